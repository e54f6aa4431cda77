"""The enforcement screens: documents issued from a visit or a hidden danger (with their PDF
and service), penalty cases through their lifecycle, accountability proposals and measures,
the rules (triggers and legal bases), and the public page of published measures.

Each move is a POST to `<record>/<move>/` with its own small form; an error re-shows the
record's page with the typed input and the status of the error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.documents import pdf_response
from safeloop.core.views import attempt_form, get_for_user_or_404
from safeloop.enforcement import forms as f
from safeloop.enforcement import pdfs, selectors, services
from safeloop.enforcement.choices import (
    CaseState,
    DocumentKind,
    DocumentState,
    ProposalState,
    SanctionKind,
    SanctionState,
)
from safeloop.enforcement.models import (
    ENFORCERS,
    READERS,
    RULE_EDITORS,
    Commitment,
    Document,
    PenaltyCase,
    Proposal,
    Sanction,
)
from safeloop.enforcement.triggers import REGISTRY
from safeloop.enforcement.workflow import (
    CASE_WORKFLOW,
    DOCUMENT_WORKFLOW,
    ENFORCER,
    PROPOSAL_WORKFLOW,
    SANCTION_WORKFLOW,
    actor_kinds,
)
from safeloop.orgs.roles import REGULATORS

PAGE_SIZE = 50


def _reader(request) -> None:
    """The enforcement pages are for regulators and enterprise staff; others get 404."""
    if not request.user.roles & READERS:
        raise Http404


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _tabs(request) -> dict:
    roles = request.user.roles
    return {
        "regulator": bool(roles & REGULATORS),
        "enforcer": bool(roles & ENFORCERS),
        "rule_editor": bool(roles & RULE_EDITORS),
    }


# ------------------------------------------------------------------ lists
@login_required
def document_list(request):
    _reader(request)
    rows = selectors.documents_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in DocumentKind.values:
        rows = rows.filter(kind=kind)
    state = request.GET.get("state", "")
    if state in DocumentState.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "enforcement/document_list.html",
        {
            "page": _page(request, rows),
            "kinds": DocumentKind.choices,
            "states": DocumentState.choices,
            "kind": kind,
            "state": state,
            **_tabs(request),
        },
    )


@login_required
def case_list(request):
    _reader(request)
    rows = selectors.cases_for(request.user)
    return render(
        request,
        "enforcement/case_list.html",
        {"page": _page(request, rows), **_tabs(request)},
    )


@login_required
def proposal_list(request):
    if not request.user.roles & REGULATORS:
        raise Http404
    rows = selectors.proposals_for(request.user)
    state = request.GET.get("state", ProposalState.OPEN)
    if state in ProposalState.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "enforcement/proposal_list.html",
        {
            "page": _page(request, rows),
            "states": ProposalState.choices,
            "state": state,
            **_tabs(request),
        },
    )


@login_required
def sanction_list(request):
    _reader(request)
    rows = selectors.sanctions_for(request.user)
    return render(
        request,
        "enforcement/sanction_list.html",
        {"page": _page(request, rows), **_tabs(request)},
    )


# ------------------------------------------------------------------ documents
def _source(request, data):
    """The visit, hidden danger or order a new document or case comes from (404 unseen)."""
    from safeloop.hazards.models import Hazard
    from safeloop.inspections.models import Visit

    visit = hazard = original = None
    if data.get("visit"):
        visit = get_for_user_or_404(Visit, request.user, data["visit"])
    if data.get("hazard"):
        hazard = get_for_user_or_404(Hazard, request.user, data["hazard"])
    if data.get("original"):
        original = get_for_user_or_404(Document, request.user, data["original"])
    if not (visit or hazard or original):
        raise Http404
    return visit, hazard, original


def _must_enforce(request, enterprise) -> None:
    """403 for a reader who sees the source but may not issue over its enterprise."""
    probe = Document(enterprise=enterprise, region_code=enterprise.region_code)
    if ENFORCER not in actor_kinds(request.user, probe):
        raise PermissionDenied


@login_required
def document_new(request):
    data = request.POST if request.method == "POST" else request.GET
    visit, hazard, original = _source(request, data)
    enterprise = (original or visit or hazard).enterprise
    _must_enforce(request, enterprise)
    recheck = original is not None
    initial = {}
    if hazard is not None and not recheck:
        initial = {
            "findings": f"{hazard.place}：{hazard.description}",
            "deadline": hazard.deadline,
        }
    if visit is not None and not recheck:
        failed = [r.item_text for r in visit.results.filter(outcome="fail")[:20]]
        if failed:
            initial = {"findings": "\n".join(f"{n}. {t}" for n, t in enumerate(failed, 1))}
    form = f.DocumentForm(request.POST or None, recheck=recheck, initial=initial)
    status = 200
    if request.method == "POST":
        done = attempt_form(
            request,
            form,
            services.issue_document,
            actor=request.user,
            visit=visit,
            hazard=hazard,
            original=original,
        )
        if done:
            messages.success(request, _("Document issued: %s") % done.value.number)
            return redirect("enforcement-document", done.value.pk)
        status = done.status
    return render(
        request,
        "enforcement/document_new.html",
        {
            "form": form,
            "visit": visit,
            "hazard": hazard,
            "original": original,
            "enterprise": enterprise,
        },
        status=status,
    )


DOCUMENT_MOVES = {
    "serve": (f.ServeForm, services.serve_document, "change"),
    "acknowledge": (f.EmptyForm, services.acknowledge_document, "acknowledge"),
    "close": (f.EmptyForm, services.close_document, "change"),
    "void": (f.ReasonForm, services.void_document, "change"),
}


def _document_page(request, document, bound=None, status=200):
    kinds = actor_kinds(request.user, document)
    moves = DOCUMENT_WORKFLOW.moves_for(document.state, kinds)
    move_forms = {m: DOCUMENT_MOVES[m][0]() for m in moves if m in DOCUMENT_MOVES}
    if bound:
        move_forms[bound[0]] = bound[1]
    may_recheck = (
        document.kind == DocumentKind.ORDER
        and document.state in (DocumentState.SERVED, DocumentState.ACKNOWLEDGED)
        and ENFORCER in kinds
    )
    return render(
        request,
        "enforcement/document_detail.html",
        {
            "document": document,
            "move_forms": move_forms,
            "move_labels": {m: DOCUMENT_WORKFLOW.move_label(m) for m in move_forms},
            "may_recheck": may_recheck,
            "rechecks": selectors.documents_for(request.user).filter(original=document),
            "may_file_case": ENFORCER in kinds and document.kind != DocumentKind.RECHECK,
        },
        status=status,
    )


@login_required
def document_detail(request, pk):
    document = get_for_user_or_404(selectors.documents_for(request.user), request.user, pk)
    return _document_page(request, document)


@login_required
def document_pdf(request, pk):
    document = get_for_user_or_404(selectors.documents_for(request.user), request.user, pk)
    return pdf_response(pdfs.document_pdf(document), f"{document.number}.pdf")


@login_required
@require_POST
def document_move(request, pk, move):
    if move not in DOCUMENT_MOVES:
        raise Http404
    form_class, func, action = DOCUMENT_MOVES[move]
    document = get_for_user_or_404(Document, request.user, pk, action)
    form = form_class(request.POST)
    done = attempt_form(
        request,
        form,
        func,
        actor=request.user,
        document=document,
        version=request.POST.get("version"),
    )
    if done:
        messages.success(request, _("Saved."))
        return redirect("enforcement-document", document.pk)
    document.refresh_from_db()
    return _document_page(request, document, (move, form), done.status)


# ------------------------------------------------------------------ penalty cases
@login_required
def case_new(request):
    data = request.POST if request.method == "POST" else request.GET
    visit, hazard, original = _source(request, data)
    if original is not None:
        visit, hazard = original.visit, original.hazard
    source = visit or hazard
    if source is None:
        raise Http404
    _must_enforce(request, source.enterprise)
    form = f.CaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        done = attempt_form(
            request, form, services.file_case, actor=request.user, visit=visit, hazard=hazard
        )
        if done:
            messages.success(request, _("Case filed: %s") % done.value.number)
            return redirect("enforcement-case", done.value.pk)
        status = done.status
    return render(
        request,
        "enforcement/case_new.html",
        {"form": form, "visit": visit, "hazard": hazard, "enterprise": source.enterprise},
        status=status,
    )


CASE_MOVES = {
    "investigate": (f.EmptyForm, services.investigate_case, "change"),
    "notify": (f.NotifyForm, services.notify_case, "change"),
    "decide": (f.EmptyForm, services.decide_case, "decide"),
    "execute": (f.ExecuteForm, services.execute_case, "change"),
    "close": (f.EmptyForm, services.close_case, "change"),
    "withdraw": (f.ReasonForm, services.withdraw_case, "change"),
}


def _case_page(request, case, bound=None, status=200):
    moves = CASE_WORKFLOW.moves_for(case.state, actor_kinds(request.user, case))
    move_forms = {m: CASE_MOVES[m][0]() for m in moves}
    if bound:
        move_forms[bound[0]] = bound[1]
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "case": case,
            "move_forms": move_forms,
            "move_labels": {m: CASE_WORKFLOW.move_label(m) for m in move_forms},
            "steps": [
                (CaseState(s).label, s == case.state)
                for s in (
                    CaseState.FILED,
                    CaseState.INVESTIGATING,
                    CaseState.NOTIFIED,
                    CaseState.DECIDED,
                    CaseState.EXECUTED,
                    CaseState.CLOSED,
                )
            ],
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    case = get_for_user_or_404(selectors.cases_for(request.user), request.user, pk)
    return _case_page(request, case)


@login_required
def case_pdf(request, pk):
    case = get_for_user_or_404(
        selectors.cases_for(request.user).exclude(decision_number=""), request.user, pk
    )
    return pdf_response(pdfs.decision_pdf(case), f"{case.decision_number}.pdf")


@login_required
@require_POST
def case_move(request, pk, move):
    if move not in CASE_MOVES:
        raise Http404
    form_class, func, action = CASE_MOVES[move]
    case = get_for_user_or_404(PenaltyCase, request.user, pk, action)
    form = form_class(request.POST)
    done = attempt_form(
        request, form, func, actor=request.user, case=case, version=request.POST.get("version")
    )
    if done:
        messages.success(request, _("Saved."))
        return redirect("enforcement-case", case.pk)
    case.refresh_from_db()
    return _case_page(request, case, (move, form), done.status)


# ------------------------------------------------------------------ proposals
@login_required
def proposal_detail(request, pk):
    proposal = get_for_user_or_404(selectors.proposals_for(request.user), request.user, pk)
    kinds = actor_kinds(request.user, proposal)
    moves = PROPOSAL_WORKFLOW.moves_for(proposal.state, kinds)
    accept = f.SanctionForm(user=request.user, proposal=proposal) if "accept" in moves else None
    dismiss = f.ReasonForm() if "dismiss" in moves else None
    status = 200
    if request.method == "POST":
        move = request.POST.get("move")
        if move not in moves:
            proposal = get_for_user_or_404(Proposal, request.user, pk, "change")
            raise PermissionDenied
        if move == "accept":
            accept = f.SanctionForm(request.POST, user=request.user, proposal=proposal)
            done = attempt_form(
                request,
                accept,
                services.accept_proposal,
                actor=request.user,
                proposal=proposal,
                version=request.POST.get("version"),
            )
            if done:
                messages.success(request, _("Measure drafted; it now awaits approval."))
                return redirect("enforcement-sanction", done.value.pk)
        else:
            dismiss = f.ReasonForm(request.POST)
            done = attempt_form(
                request,
                dismiss,
                services.dismiss_proposal,
                actor=request.user,
                proposal=proposal,
                version=request.POST.get("version"),
            )
            if done:
                messages.success(request, _("Dismissed."))
                return redirect("enforcement-proposal", proposal.pk)
        status = done.status
    return render(
        request,
        "enforcement/proposal_detail.html",
        {
            "proposal": proposal,
            "accept": accept,
            "dismiss": dismiss,
            "evidence": _evidence_rows(proposal.evidence),
        },
        status=status,
    )


EVIDENCE_LABELS = {
    "hazard": "隐患编号",
    "level": "隐患级别",
    "place": "地点",
    "description": "隐患描述",
    "deadline": "整改期限",
    "days_overdue": "逾期天数",
    "occurred_at": "发生时间",
    "deaths": "死亡人数",
    "serious_injuries": "重伤人数",
    "minor_injuries": "轻伤人数",
    "injured": "受伤人数",
    "grade": "事故等级",
}


def _evidence_rows(evidence: dict) -> list[tuple[str, object]]:
    return [(EVIDENCE_LABELS.get(k, k), v) for k, v in evidence.items()]


# ------------------------------------------------------------------ measures
@login_required
def sanction_new(request):
    if not request.user.roles & ENFORCERS:
        raise Http404 if not request.user.roles & READERS else PermissionDenied
    form = f.SanctionForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, services.draft_sanction, actor=request.user)
        if done:
            messages.success(request, _("Measure drafted; it now awaits approval."))
            return redirect("enforcement-sanction", done.value.pk)
        status = done.status
    return render(request, "enforcement/sanction_new.html", {"form": form}, status=status)


SANCTION_MOVES = {
    "approve": (f.ApproveForm, services.approve_sanction, "approve"),
    "reject": (f.ReasonForm, services.reject_sanction, "approve"),
    "record_interview": (f.InterviewForm, services.record_interview, "change"),
    "respond": (f.ResponseForm, services.respond_sanction, "respond"),
    "close": (f.EmptyForm, services.close_sanction, "change"),
}


def _sanction_page(request, sanction, bound=None, status=200):
    kinds = actor_kinds(request.user, sanction)
    moves = SANCTION_WORKFLOW.moves_for(sanction.state, kinds)
    if sanction.kind != SanctionKind.INTERVIEW:
        moves = [m for m in moves if m != "record_interview"]
    move_forms = {}
    for m in moves:
        initial = {"public": sanction.public} if m == "approve" else None
        move_forms[m] = SANCTION_MOVES[m][0](initial=initial)
    if bound:
        move_forms[bound[0]] = bound[1]
    commitments = Commitment.objects.filter(sanction=sanction)
    return render(
        request,
        "enforcement/sanction_detail.html",
        {
            "sanction": sanction,
            "move_forms": move_forms,
            "move_labels": {m: SANCTION_WORKFLOW.move_label(m) for m in move_forms},
            "commitments": commitments,
            "may_complete": bool(kinds) and sanction.state != SanctionState.REJECTED,
            "done_form": f.CommitmentDoneForm(),
        },
        status=status,
    )


@login_required
def sanction_detail(request, pk):
    sanction = get_for_user_or_404(selectors.sanctions_for(request.user), request.user, pk)
    return _sanction_page(request, sanction)


@login_required
def sanction_pdf(request, pk):
    sanction = get_for_user_or_404(
        selectors.sanctions_for(request.user).exclude(number=""), request.user, pk
    )
    return pdf_response(pdfs.sanction_pdf(sanction), f"{sanction.number}.pdf")


@login_required
def sanction_response(request, pk):
    sanction = get_for_user_or_404(
        selectors.sanctions_for(request.user).exclude(response=""), request.user, pk
    )
    return FileResponse(
        sanction.response.open("rb"), content_type="application/pdf", filename="response.pdf"
    )


@login_required
@require_POST
def sanction_move(request, pk, move):
    if move not in SANCTION_MOVES:
        raise Http404
    form_class, func, action = SANCTION_MOVES[move]
    sanction = get_for_user_or_404(Sanction, request.user, pk, action)
    form = form_class(request.POST, request.FILES)
    done = attempt_form(
        request,
        form,
        func,
        actor=request.user,
        sanction=sanction,
        version=request.POST.get("version"),
    )
    if done:
        messages.success(request, _("Saved."))
        return redirect("enforcement-sanction", sanction.pk)
    sanction.refresh_from_db()
    return _sanction_page(request, sanction, (move, form), done.status)


@login_required
@require_POST
def commitment_done(request, pk):
    item = get_for_user_or_404(Commitment, request.user, pk, "change")
    form = f.CommitmentDoneForm(request.POST)
    done = attempt_form(
        request,
        form,
        services.complete_commitment,
        actor=request.user,
        commitment=item,
        version=request.POST.get("version"),
    )
    if done:
        messages.success(request, _("Saved."))
        return redirect("enforcement-sanction", item.sanction_id)
    sanction = Sanction.objects.get(pk=item.sanction_id)
    return _sanction_page(request, sanction, None, done.status)


# ------------------------------------------------------------------ rules
@login_required
def rules(request):
    if not request.user.roles & REGULATORS:
        raise Http404
    editor = bool(request.user.roles & RULE_EDITORS)
    trigger_form = f.TriggerRuleForm() if editor else None
    basis_form = f.LegalBasisForm() if editor else None
    status = 200
    if request.method == "POST":
        if not editor:
            raise PermissionDenied
        if request.POST.get("form") == "basis":
            basis_form = f.LegalBasisForm(request.POST)
            done = attempt_form(request, basis_form, services.add_legal_basis, actor=request.user)
        else:
            trigger_form = f.TriggerRuleForm(request.POST)
            done = attempt_form(
                request, trigger_form, services.add_trigger_rule, actor=request.user
            )
        if done:
            messages.success(request, _("Saved."))
            return redirect("enforcement-rules")
        status = done.status
    from safeloop.enforcement.models import LegalBasis, TriggerRule

    in_force = selectors.rules_in_force()
    bases_in_force = selectors.current_bases()
    return render(
        request,
        "enforcement/rules.html",
        {
            "triggers": [
                (r, REGISTRY.get(r.kind), in_force.get(r.kind) == r)
                for r in TriggerRule.objects.all()
            ],
            "bases": [(b, bases_in_force.get(b.code) == b) for b in LegalBasis.objects.all()],
            "trigger_form": trigger_form,
            "basis_form": basis_form,
            **_tabs(request),
        },
        status=status,
    )


# ------------------------------------------------------------------ public
def public_sanctions(request):
    """Published measures of accountability: no sign-in, no personal data."""
    return render(request, "enforcement/public_sanctions.html", {"measures": selectors.published()})
