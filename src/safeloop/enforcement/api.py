"""The enforcement API: documents, penalty cases, measures of accountability and the proposals
that lead to them, in the caller's scope (the screens' selectors), each move one
`POST /api/v1/<records>/{id}/<move>/` through the same services as the screens, with the
version read (400 when missing, 409 when stale). A record outside the caller's scope is a
404; one they see but may not move is a 403. Every response gives codes and their labels
(`state` and `state_label` …), the moves the caller may make next and the PDF's address."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.documents import pdf_response
from safeloop.core.views import get_for_user_or_404
from safeloop.enforcement import pdfs, selectors, services
from safeloop.enforcement.models import (
    ENFORCERS,
    Document,
    LegalBasis,
    PenaltyCase,
    Proposal,
    Sanction,
    TriggerRule,
)
from safeloop.enforcement.serializers import (
    CaseExecuteSerializer,
    CaseFilter,
    CaseNotifySerializer,
    DocumentFilter,
    DocumentServeSerializer,
    EnforcementDocumentCreateSerializer,
    EnforcementDocumentSerializer,
    EnforcementLegalBasisSerializer,
    EnforcementReasonSerializer,
    EnforcementTriggerRuleSerializer,
    EnforcementVersionSerializer,
    PenaltyCaseCreateSerializer,
    PenaltyCaseSerializer,
    ProposalDraftSerializer,
    ProposalFilter,
    ProposalSerializer,
    SanctionApproveSerializer,
    SanctionCreateSerializer,
    SanctionFilter,
    SanctionInterviewSerializer,
    SanctionRespondSerializer,
    SanctionSerializer,
)
from safeloop.enforcement.workflow import (
    actor_kinds,
)
from safeloop.orgs.roles import REGULATORS


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lists and records through the screens' scoped selectors: an id that is not a whole
    number in range, or names a record outside the caller's scope, is a 404."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self):
        return get_for_user_or_404(self.get_queryset(), self.request.user, self.kwargs["pk"])


def _sources(request, data):
    """The visit, hidden danger and order named in a body, each one the caller sees; a
    reference they do not see is a field error, as if it did not exist."""
    from safeloop.hazards.models import Hazard
    from safeloop.inspections.models import Visit

    found: dict[str, Any] = {}
    errors: dict[str, list] = {}
    for name, model in (("visit", Visit), ("hazard", Hazard), ("original", Document)):
        pk = data.get(name)
        if not pk:
            found[name] = None
            continue
        found[name] = model.objects.for_user(request.user, "view").filter(pk=pk).first()
        if found[name] is None:
            errors[name] = [_("No such record.")]
    if errors:
        raise exceptions.ValidationError(errors)
    return found


def _must_enforce(request, enterprise) -> None:
    """403 for a caller who sees the source but may not issue over its enterprise."""
    probe = Document(enterprise=enterprise, region_code=enterprise.region_code)
    if "enforcer" not in actor_kinds(request.user, probe):
        raise exceptions.PermissionDenied()


def _enforcer_only(request) -> None:
    """Creating is for enforcers; every other caller is refused before the body is read."""
    if not request.user.roles & ENFORCERS:
        raise exceptions.PermissionDenied()


def _move(viewset, request, pk, model, queryset, permission, body_class, func, field):
    """Find (404 unseen, 403 not theirs to move), read the body (400), move (409 stale or
    not allowed from this state), answer the record as it now is."""
    obj = get_for_user_or_404(model, request.user, pk, permission)
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    func(actor=request.user, **{field: obj}, **body.validated_data)
    fresh = get_for_user_or_404(queryset, request.user, obj.pk)
    return Response(viewset.get_serializer(fresh).data)


def move_action(name, body_class, func, permission="change", parsers=None):
    """A `POST {id}/<name>/` action for one lifecycle move."""

    def perform(self, request, pk=None):
        return _move(
            self,
            request,
            pk,
            self.model,
            self.get_queryset(),
            permission,
            body_class,
            func,
            self.field,
        )

    perform.__name__ = name
    perform.__doc__ = f"Move: {name}."
    kwargs = {"parser_classes": parsers} if parsers else {}
    decorated = action(
        detail=True,
        methods=["post"],
        url_path=name.replace("_", "-"),
        url_name=name.replace("_", "-"),
        **kwargs,
    )(perform)
    return extend_schema(request=body_class, operation_id=None)(decorated)


class DocumentViewSet(ReadViewSet):
    """执法文书 in the caller's scope. POST issues one from a visit or a hidden danger (a
    re-check from the order it follows); each move is `POST {id}/<move>/` with the version."""

    queryset = Document.objects.none()
    serializer_class = EnforcementDocumentSerializer
    filterset_class = DocumentFilter
    model = Document
    field = "document"

    def get_queryset(self):
        return selectors.documents_for(self.request.user).order_by("-issued_at", "-id")

    @extend_schema(
        request=EnforcementDocumentCreateSerializer, responses={201: EnforcementDocumentSerializer}
    )
    def create(self, request):
        _enforcer_only(request)
        body = EnforcementDocumentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        found = _sources(request, fields)
        source = found["original"] or found["visit"] or found["hazard"]
        if source is not None:  # without one, the service says what is missing
            _must_enforce(request, source.enterprise)
        fields.update(found)
        document = services.issue_document(actor=request.user, **fields)
        document = self.get_queryset().get(pk=document.pk)
        return Response(self.get_serializer(document).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="document.pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        document = get_for_user_or_404(self.get_queryset(), request.user, pk)
        return pdf_response(pdfs.document_pdf(document), f"{document.number}.pdf")

    serve = move_action("serve", DocumentServeSerializer, services.serve_document)
    acknowledge = move_action(
        "acknowledge", EnforcementVersionSerializer, services.acknowledge_document, "acknowledge"
    )
    close = move_action("close", EnforcementVersionSerializer, services.close_document)
    void = move_action("void", EnforcementReasonSerializer, services.void_document)


class CaseViewSet(ReadViewSet):
    """行政处罚案件 in the caller's scope: POST files one (立案); then investigate, notify
    (findings, legal basis, fine), decide (administrators), execute, close, or withdraw before the
    decision, each `POST {id}/<move>/` with the version; `decision.pdf` once decided."""

    queryset = PenaltyCase.objects.none()
    serializer_class = PenaltyCaseSerializer
    filterset_class = CaseFilter
    model = PenaltyCase
    field = "case"

    def get_queryset(self):
        return selectors.cases_for(self.request.user).order_by("-filed_at", "-id")

    @extend_schema(request=PenaltyCaseCreateSerializer, responses={201: PenaltyCaseSerializer})
    def create(self, request):
        _enforcer_only(request)
        body = PenaltyCaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = _sources(request, body.validated_data)
        visit, hazard = found["visit"], found["hazard"]
        if found["original"] is not None:
            visit = visit or found["original"].visit
            hazard = hazard or found["original"].hazard
        source = visit or hazard
        if source is not None:  # without one, the service says what is missing
            _must_enforce(request, source.enterprise)
        case = services.file_case(
            actor=request.user, facts=body.validated_data["facts"], visit=visit, hazard=hazard
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="decision.pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        case = get_for_user_or_404(
            self.get_queryset().exclude(decision_number=""), request.user, pk
        )
        return pdf_response(pdfs.decision_pdf(case), f"{case.decision_number}.pdf")

    investigate = move_action(
        "investigate", EnforcementVersionSerializer, services.investigate_case
    )
    notify = move_action("notify", CaseNotifySerializer, services.notify_case)
    decide = move_action("decide", EnforcementVersionSerializer, services.decide_case, "decide")
    execute = move_action("execute", CaseExecuteSerializer, services.execute_case)
    close = move_action("close", EnforcementVersionSerializer, services.close_case)
    withdraw = move_action("withdraw", EnforcementReasonSerializer, services.withdraw_case)


class SanctionViewSet(ReadViewSet):
    """Measures of accountability in the caller's scope: POST drafts one (enforcers); approve
    or reject (the approving level), record_interview, respond (multipart, the PDF), close,
    each `POST {id}/<move>/` with the version; `notice.pdf` once approved."""

    queryset = Sanction.objects.none()
    serializer_class = SanctionSerializer
    filterset_class = SanctionFilter
    model = Sanction
    field = "sanction"

    def get_queryset(self):
        return (
            selectors.sanctions_for(self.request.user)
            .prefetch_related("commitments")
            .order_by("-drafted_at", "-id")
        )

    @extend_schema(request=SanctionCreateSerializer, responses={201: SanctionSerializer})
    def create(self, request):
        _enforcer_only(request)
        body = SanctionCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        sanction = services.draft_sanction(actor=request.user, **body.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=sanction.pk)).data, status=201
        )

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="notice.pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        sanction = get_for_user_or_404(self.get_queryset().exclude(number=""), request.user, pk)
        return pdf_response(pdfs.sanction_pdf(sanction), f"{sanction.number}.pdf")

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="response.pdf", url_name="response")
    def response_file(self, request, pk=None):
        from django.http import FileResponse

        sanction = get_for_user_or_404(self.get_queryset().exclude(response=""), request.user, pk)
        return FileResponse(
            sanction.response.open("rb"), content_type="application/pdf", filename="response.pdf"
        )

    approve = move_action(
        "approve", SanctionApproveSerializer, services.approve_sanction, "approve"
    )
    reject = move_action("reject", EnforcementReasonSerializer, services.reject_sanction, "approve")
    record_interview = move_action(
        "record_interview", SanctionInterviewSerializer, services.record_interview
    )
    respond = move_action(
        "respond",
        SanctionRespondSerializer,
        services.respond_sanction,
        "respond",
    )
    close = move_action("close", EnforcementVersionSerializer, services.close_sanction)


class ProposalViewSet(ReadViewSet):
    """Proposals for accountability the daily job raised, for regulators in scope: `draft/`
    turns one into a measure awaiting approval (answers the measure, 201), `dismiss/` closes
    it with a reason; both with the version read."""

    queryset = Proposal.objects.none()
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    model = Proposal
    field = "proposal"

    def get_queryset(self):
        return selectors.proposals_for(self.request.user).order_by("-raised_at", "-id")

    @extend_schema(request=ProposalDraftSerializer, responses={201: SanctionSerializer})
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        proposal = get_for_user_or_404(Proposal, request.user, pk, "change")
        body = ProposalDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if v is not None or k == "public"}
        sanction = services.accept_proposal(actor=request.user, proposal=proposal, **fields)
        fresh = selectors.sanctions_for(request.user).get(pk=sanction.pk)
        return Response(SanctionSerializer(fresh, context={"request": request}).data, status=201)

    dismiss = move_action("dismiss", EnforcementReasonSerializer, services.dismiss_proposal)


# ------------------------------------------------------------------ rules
def _regulator(request) -> None:
    if not request.user.roles & REGULATORS:
        raise exceptions.PermissionDenied()


class RuleViewSet(viewsets.GenericViewSet):
    """The accountability trigger rules in force today, one per kind (regulators; the
    administrators add versions on the rules screen)."""

    serializer_class = EnforcementTriggerRuleSerializer
    queryset = TriggerRule.objects.none()
    pagination_class = None

    def list(self, request):
        _regulator(request)
        rows = sorted(selectors.rules_in_force().values(), key=lambda r: r.kind)
        return Response(self.get_serializer(rows, many=True).data)


class LegalBasisViewSet(viewsets.GenericViewSet):
    """The penalty provisions in force today, one per code: the `basis` a case is notified
    under (regulators)."""

    serializer_class = EnforcementLegalBasisSerializer
    queryset = LegalBasis.objects.none()
    pagination_class = None

    def list(self, request):
        _regulator(request)
        rows = sorted(selectors.current_bases().values(), key=lambda b: b.code)
        return Response(self.get_serializer(rows, many=True).data)
