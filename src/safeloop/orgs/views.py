"""Account screens: the accounts an administrator manages, invitations, roles, API tokens,
the password change and the activation page a person opens from an invitation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.documents import workbook_response
from safeloop.core.errors import ServiceError
from safeloop.core.notify import _email
from safeloop.core.services import after_commit
from safeloop.core.views import attempt, put_errors
from safeloop.orgs import account_import as importing
from safeloop.orgs import accounts, tokens
from safeloop.orgs.forms import (
    AccountEditForm,
    AccountForm,
    ActivateForm,
    GrantForm,
    ImportForm,
    PasswordChangeForm,
    ReasonForm,
    TokenForm,
)
from safeloop.orgs.roles import ACCOUNT_MANAGERS, Role


def _managers_only(user) -> None:
    if not user.roles & ACCOUNT_MANAGERS:
        raise Http404


def invitation_link(request, code: str) -> str:
    return request.build_absolute_uri(reverse("activate-code", args=[code]))


def _pass_on(request, user, code: str) -> None:
    """The link is shown to the administrator once, and mailed where mail is configured."""
    link = invitation_link(request, code)
    request.session["invitation"] = {"user": user.pk, "link": link, "code": code}
    if settings.NOTIFY_BY_EMAIL and user.email:
        after_commit(
            _email,
            user,
            _("Your SafeLoop account"),
            _("Open this link within 7 days to set your password: %(link)s") % {"link": link},
        )


@login_required
def account_list(request):
    _managers_only(request.user)
    rows = accounts.accounts_for(request.user).prefetch_related("role_assignments")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(mobile=q))
    page = Paginator(rows.order_by("username"), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/account_list.html", {"page": page, "q": q})


@login_required
def account_new(request):
    _managers_only(request.user)
    # the invite link on a ledger row fills the form in from that row
    initial = {
        name: request.GET[name][:150]
        for name in ("username", "full_name", "mobile", "role", "enterprise")
        if request.GET.get(name)
    }
    form = AccountForm(request.POST or None, actor=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            done = attempt(
                request,
                accounts.create_account,
                actor=request.user,
                form=form,
                username=data["username"],
                full_name=data["full_name"],
                mobile=data["mobile"],
                email=data["email"],
                role=data["role"],
                reason=data["reason"],
                **form.unit_ids(),
            )
            if done:
                user, code = done.value
                _pass_on(request, user, code)
                messages.success(request, _("Account created. Pass the invitation on."))
                return redirect("account-detail", user.pk)
            status = done.status
        else:
            status = 400
    return render(
        request, "orgs/form.html", {"form": form, "title": _("New account")}, status=status
    )


@login_required
def account_detail(request, pk):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk)
    invitation = request.session.pop("invitation", None)
    if invitation and invitation.get("user") != user.pk:
        invitation = None
    return render(
        request,
        "orgs/account_detail.html",
        {
            "account": user,
            "manage": accounts.may_manage(request.user, user),
            "assignments": user.role_assignments.select_related(
                "region", "park", "grid", "enterprise"
            ),
            "tokens": tokens.tokens_of(user),
            "invitation": invitation,
            "grant_form": GrantForm(actor=request.user),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def account_edit(request, pk):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk, manage=True)
    initial = {"full_name": user.full_name, "mobile": user.mobile, "email": user.email}
    form = AccountEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                accounts.update_account,
                actor=request.user,
                user=user,
                form=form,
                **form.cleaned_data,
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("account-detail", user.pk)
            status = done.status
        else:
            status = 400
    return render(
        request, "orgs/form.html", {"form": form, "title": _("Edit account")}, status=status
    )


def _reasoned_post(request, pk, func, success: str, **kwargs):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk, manage=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why."))
        return None, user
    done = attempt(
        request, func, actor=request.user, user=user, reason=form.cleaned_data["reason"], **kwargs
    )
    if done:
        messages.success(request, success)
    return done, user


@login_required
@require_POST
def account_disable(request, pk):
    _done, user = _reasoned_post(
        request, pk, accounts.set_active, _("Account disabled."), active=False
    )
    return redirect("account-detail", user.pk)


@login_required
@require_POST
def account_enable(request, pk):
    _done, user = _reasoned_post(
        request, pk, accounts.set_active, _("Account enabled."), active=True
    )
    return redirect("account-detail", user.pk)


@login_required
@require_POST
def account_invite(request, pk):
    done, user = _reasoned_post(request, pk, accounts.invite_again, _("A new link was made."))
    if done:
        _pass_on(request, user, done.value)
    return redirect("account-detail", user.pk)


@login_required
@require_POST
def account_grant(request, pk):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk, manage=True)
    form = GrantForm(request.POST, actor=request.user)
    if form.is_valid():
        done = attempt(
            request,
            accounts.grant_role,
            actor=request.user,
            user=user,
            role=form.cleaned_data["role"],
            reason=form.cleaned_data["reason"],
            **form.unit_ids(),
            form=form,
        )
        if done:
            messages.success(request, _("Role granted."))
            return redirect("account-detail", user.pk)
        status = done.status
    else:
        status = 400
    return render(
        request, "orgs/form.html", {"form": form, "title": _("Grant a role")}, status=status
    )


@login_required
@require_POST
def account_revoke(request, pk, assignment):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk, manage=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            accounts.revoke_role,
            actor=request.user,
            assignment_pk=assignment,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("Role revoked."))
    else:
        messages.error(request, _("Say why."))
    return redirect("account-detail", user.pk)


@login_required
@require_POST
def account_token_revoke(request, pk, token):
    _managers_only(request.user)
    user = accounts.get_account(request.user, pk, manage=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        if attempt(
            request,
            tokens.revoke_token,
            actor=request.user,
            token_pk=token,
            reason=form.cleaned_data["reason"],
        ):
            messages.success(request, _("Token revoked."))
    else:
        messages.error(request, _("Say why."))
    return redirect("account-detail", user.pk)


# ---------------------------------------------------------------- one's own
@login_required
def my_tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request, tokens.create_token, actor=request.user, form=form, **form.cleaned_data
            )
            if done:
                secret = done.value[1]
                form = TokenForm()
            else:
                status = done.status
        else:
            status = 400
    return render(
        request,
        "orgs/tokens.html",
        {"form": form, "secret": secret, "tokens": tokens.tokens_of(request.user)},
        status=status,
    )


@login_required
@require_POST
def my_token_revoke(request, token):
    if not tokens.tokens_of(request.user).filter(pk=token).exists():
        raise Http404
    if attempt(request, tokens.revoke_token, actor=request.user, token_pk=token):
        messages.success(request, _("Token revoked."))
    return redirect("my-tokens")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                accounts.change_password,
                actor=request.user,
                form=form,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
            if done:
                update_session_auth_hash(request, done.value)
                messages.success(request, _("Your password was changed."))
                return redirect("home")
            status = done.status
        else:
            status = 400
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("Change password"), "forced": request.user.must_change_password},
        status=status,
    )


def activate(request, code=""):
    """Public: the person sets their password with the invitation's code; works on a phone."""
    form = ActivateForm(request.POST or None, initial={"code": code})
    invitation = accounts.invitation_for(code) if code else None
    status = 200
    expired = ""
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                request,
                accounts.activate,
                actor=None,
                form=form,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
            )
            if done:
                messages.success(request, _("Your password is set: sign in."))
                return redirect(f"{reverse('login')}?username={done.value.username}")
            status = done.status
        else:
            status = 400
    elif code and invitation is None:
        status = 400
        expired = _("This link is unknown, used or expired: ask for a new one.")
    return render(
        request,
        "orgs/activate.html",
        {"form": form, "invitation": invitation, "expired": expired},
        status=status,
    )


# ---------------------------------------------------------------- import
@login_required
def account_import_template(request):
    _managers_only(request.user)
    example = ["wang_anquan", "王安全", "13900000000", "", str(Role.SAFETY_MANAGER.label), ""]
    return workbook_response(
        "accounts-template.xlsx", [(_("Accounts"), importing.headers(), [example])]
    )


@login_required
def account_import(request):
    """Upload, check (dry run: every error listed) or import (all rows or none)."""
    _managers_only(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rows = importing.read_rows(form.cleaned_data["file"])
                done = attempt(
                    request,
                    importing.import_accounts,
                    actor=request.user,
                    rows=rows,
                    apply=form.cleaned_data["apply"],
                    form=form,
                )
            except ServiceError as error:
                put_errors(form, error)
                done = None
            if done:
                result = done.value
                result["created"] = [
                    (user, invitation_link(request, code)) for user, code in result["created"]
                ]
                status = 400 if result["errors"] else 200
            else:
                status = 400
        else:
            status = 400
    return render(request, "orgs/import.html", {"form": form, "result": result}, status=status)
