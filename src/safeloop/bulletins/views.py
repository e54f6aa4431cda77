"""Bulletin screens: the list of past bulletins with a form to generate one, the preview of
one bulletin from its stored figures, regeneration, and the two downloads."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.bulletins import documents, services
from safeloop.bulletins.forms import GenerateForm
from safeloop.bulletins.models import BULLETIN_READERS, Bulletin
from safeloop.core.documents import XLSX
from safeloop.core.views import attempt, get_for_user_or_404


def _reader(request):
    if not request.user.roles & BULLETIN_READERS:
        raise PermissionDenied


def _bulletin(request, pk, action="view"):
    return get_for_user_or_404(Bulletin, request.user, pk, action)


def _list(request, form, status=200):
    bulletins = Bulletin.objects.for_user(request.user).select_related("region")
    page = Paginator(bulletins, 24).get_page(request.GET.get("page"))
    return render(request, "bulletins/list.html", {"page": page, "form": form}, status=status)


@login_required
def bulletin_list(request):
    _reader(request)
    return _list(request, GenerateForm(user=request.user))


@login_required
@require_POST
def bulletin_generate(request):
    _reader(request)
    form = GenerateForm(request.POST, user=request.user)
    status = 400
    if form.is_valid():
        done = attempt(
            request,
            services.generate,
            form=form,
            region=form.cleaned_data["region"],
            month=form.cleaned_data["month"],
            actor=request.user,
        )
        if done:
            messages.success(request, _("Bulletin generated."))
            return redirect("bulletin-detail", pk=done.value.pk)
        status = done.status
    return _list(request, form, status=status)


@login_required
def bulletin_detail(request, pk):
    _reader(request)
    bulletin = _bulletin(request, pk)
    f = bulletin.figures
    return render(
        request,
        "bulletins/detail.html",
        {
            "b": bulletin,
            "f": f,
            "totals": [(label, f["totals"].get(key)) for key, label in documents.TOTAL_LINES],
            "levels": documents.LEVELS,
            "status": documents.STATUS,
            "reasons": documents.REASONS,
            "kinds": documents.CASE_KINDS,
        },
    )


@login_required
@require_POST
def bulletin_regenerate(request, pk):
    _reader(request)
    bulletin = _bulletin(request, pk, "change")
    done = attempt(
        request, services.generate, region=bulletin.region, month=bulletin.month, actor=request.user
    )
    if done:
        messages.success(request, _("Bulletin generated again from the current records."))
    return redirect("bulletin-detail", pk=bulletin.pk)


def file_response(bulletin: Bulletin, kind: str):
    stored = {"pdf": bulletin.pdf, "xlsx": bulletin.xlsx}[kind]
    if not stored:
        raise Http404
    filename = f"{bulletin.title}.{kind}"
    response = FileResponse(
        stored.open("rb"),
        content_type="application/pdf" if kind == "pdf" else XLSX,
    )
    disposition = "inline" if kind == "pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def bulletin_download(request, pk, kind):
    _reader(request)
    return file_response(_bulletin(request, pk), kind)
