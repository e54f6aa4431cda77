"""The enforcement API: documents, penalty cases, measures of accountability and the proposals
that lead to them, in the caller's scope (the screens' selectors), each move one
`POST /api/v1/<records>/{id}/<move>/` through the same services as the screens, with the
version read (400 when missing, 409 when stale). A record outside the caller's scope is a
404; one they see but may not move is a 403. Every response gives codes and their labels
(`state` and `state_label` …), the moves the caller may make next and the PDF's address."""

from datetime import datetime, time
from typing import Any

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.documents import pdf_response
from safeloop.core.scoping import PK_MAX
from safeloop.core.views import get_for_user_or_404
from safeloop.enforcement import pdfs, selectors, services
from safeloop.enforcement.choices import (
    ApprovalLevel,
    CaseState,
    DocumentKind,
    DocumentState,
    OnSiteMeasure,
    ProposalState,
    RecheckResult,
    SanctionKind,
    SanctionState,
    TargetKind,
)
from safeloop.enforcement.models import (
    ENFORCERS,
    Document,
    LegalBasis,
    PenaltyCase,
    Proposal,
    Sanction,
    TriggerRule,
)
from safeloop.enforcement.workflow import (
    CASE_WORKFLOW,
    DOCUMENT_WORKFLOW,
    PROPOSAL_WORKFLOW,
    SANCTION_WORKFLOW,
    actor_kinds,
)
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, DepartmentKind
from safeloop.orgs.roles import REGULATORS

VERSION_HELP = _("The version you read; required (409 when it is stale, 400 when missing).")
TEXT = 5000


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lists and records through the screens' scoped selectors: an id that is not a whole
    number in range, or names a record outside the caller's scope, is a 404."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self):
        return get_for_user_or_404(self.get_queryset(), self.request.user, self.kwargs["pk"])


def _version():
    return serializers.IntegerField(help_text=VERSION_HELP)


def _label(source: str):
    return serializers.CharField(source=source, read_only=True)


# ------------------------------------------------------------------ documents
class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=DocumentState.choices, label=_("state"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))
    issued_from = django_filters.DateFilter(
        field_name="issued_at", method="issued_on_or_after", label=_("issued from")
    )
    issued_to = django_filters.DateFilter(
        field_name="issued_at", method="issued_on_or_before", label=_("issued until")
    )

    class Meta:
        model = Document
        fields = ["kind", "state", "enterprise", "issued_from", "issued_to"]

    def issued_on_or_after(self, queryset, name, value):
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(issued_at__gte=start)

    def issued_on_or_before(self, queryset, name, value):
        end = timezone.make_aware(datetime.combine(value, time.max))
        return queryset.filter(issued_at__lte=end)


class EnforcementDocumentSerializer(serializers.ModelSerializer):
    kind_label = _label("get_kind_display")
    state_label = _label("get_state_display")
    result_label = _label("get_result_display")
    title = serializers.CharField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    measure_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    recheck_overdue = serializers.BooleanField(read_only=True)
    pdf_url = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "enterprise",
            "enterprise_name",
            "visit",
            "hazard",
            "original",
            "issuer",
            "findings",
            "requirements",
            "legal_basis",
            "deadline",
            "measures",
            "measure_labels",
            "measure_scope",
            "result",
            "result_label",
            "issued_at",
            "served_at",
            "signed_by",
            "refused",
            "refusal_note",
            "acknowledged_at",
            "closed_at",
            "void_reason",
            "recheck_overdue",
            "version",
            "pdf_url",
            "allowed_moves",
        ]

    def get_pdf_url(self, document) -> str:
        return reverse("api-enforcement-document-pdf", args=[document.pk])

    def get_allowed_moves(self, document) -> list[str]:
        kinds = actor_kinds(self.context["request"].user, document)
        return [m for m in DOCUMENT_WORKFLOW.moves_for(document.state, kinds) if m != "issue"]


class EnforcementDocumentCreateSerializer(serializers.Serializer):
    """What the screen's form takes: the kind, the visit or hidden danger it comes from (the
    order a re-check follows), the findings and what the kind needs."""

    kind = serializers.ChoiceField(DocumentKind.choices)
    visit = serializers.IntegerField(required=False, min_value=1, max_value=PK_MAX)
    hazard = serializers.IntegerField(required=False, min_value=1, max_value=PK_MAX)
    original = serializers.IntegerField(required=False, min_value=1, max_value=PK_MAX)
    findings = serializers.CharField(max_length=TEXT)
    requirements = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    measures = serializers.ListField(
        child=serializers.ChoiceField(OnSiteMeasure.choices), required=False, max_length=10
    )
    measure_scope = serializers.CharField(max_length=200, required=False, allow_blank=True)
    result = serializers.ChoiceField(RecheckResult.choices, required=False, allow_blank=True)

    def validate(self, attrs):
        if not (attrs.get("visit") or attrs.get("hazard") or attrs.get("original")):
            raise serializers.ValidationError(
                {"visit": [_("Issue a document from a visit or a hidden danger.")]}
            )
        return attrs


class DocumentServeSerializer(serializers.Serializer):
    version = _version()
    signed_by = serializers.CharField(max_length=50, required=False, allow_blank=True)
    refused = serializers.BooleanField(required=False, default=False)
    refusal_note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EnforcementVersionSerializer(serializers.Serializer):
    version = _version()


class EnforcementReasonSerializer(serializers.Serializer):
    version = _version()
    reason = serializers.CharField(max_length=2000)


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


# ------------------------------------------------------------------ penalty cases
class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CaseState.choices, label=_("state"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))

    class Meta:
        model = PenaltyCase
        fields = ["state", "enterprise"]


class PenaltyCaseSerializer(serializers.ModelSerializer):
    state_label = _label("get_state_display")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    basis_title = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = PenaltyCase
        fields = [
            "id",
            "number",
            "decision_number",
            "state",
            "state_label",
            "enterprise",
            "enterprise_name",
            "visit",
            "hazard",
            "issuer",
            "facts",
            "findings",
            "basis",
            "basis_title",
            "fine",
            "execution_note",
            "withdraw_reason",
            "filed_at",
            "notified_at",
            "decided_at",
            "executed_at",
            "closed_at",
            "version",
            "pdf_url",
            "allowed_moves",
        ]

    def get_basis_title(self, case) -> str:
        return case.basis.title if case.basis_id else ""

    def get_pdf_url(self, case) -> str | None:
        return reverse("api-penalty-case-pdf", args=[case.pk]) if case.decision_number else None

    def get_allowed_moves(self, case) -> list[str]:
        kinds = actor_kinds(self.context["request"].user, case)
        return [m for m in CASE_WORKFLOW.moves_for(case.state, kinds) if m != "file"]


class PenaltyCaseCreateSerializer(serializers.Serializer):
    """立案 from a visit or a hidden danger (or a document, which names them)."""

    visit = serializers.IntegerField(required=False, min_value=1, max_value=PK_MAX)
    hazard = serializers.IntegerField(required=False, min_value=1, max_value=PK_MAX)
    original = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=PK_MAX,
        help_text=_("An enforcement document the case follows."),
    )
    facts = serializers.CharField(max_length=TEXT)

    def validate(self, attrs):
        if not (attrs.get("visit") or attrs.get("hazard") or attrs.get("original")):
            raise serializers.ValidationError(
                {"visit": [_("Open a case from a visit or a hidden danger.")]}
            )
        return attrs


class CaseNotifySerializer(serializers.Serializer):
    version = _version()
    findings = serializers.CharField(max_length=TEXT)
    basis = serializers.PrimaryKeyRelatedField(queryset=LegalBasis.objects.all())
    fine = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class CaseExecuteSerializer(serializers.Serializer):
    version = _version()
    note = serializers.CharField(max_length=TEXT)


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
        if source is None:
            raise exceptions.ValidationError(
                {"original": [_("Open a case from a visit or a hidden danger.")]}
            )
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


# ------------------------------------------------------------------ measures
class SanctionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SanctionState.choices, label=_("state"))
    kind = django_filters.ChoiceFilter(choices=SanctionKind.choices, label=_("measure"))
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, label=_("against"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))

    class Meta:
        model = Sanction
        fields = ["state", "kind", "target_kind", "enterprise"]


class SanctionCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True)
    done_note = serializers.CharField(read_only=True)


class SanctionSerializer(serializers.ModelSerializer):
    kind_label = _label("get_kind_display")
    target_kind_label = _label("get_target_kind_display")
    approval_level_label = _label("get_approval_level_display")
    state_label = _label("get_state_display")
    target_label = serializers.CharField(read_only=True)
    commitments = SanctionCommitmentSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()
    response_url = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "target_kind",
            "target_kind_label",
            "target_label",
            "enterprise",
            "department",
            "person_name",
            "person_post",
            "proposal",
            "reason",
            "approval_level",
            "approval_level_label",
            "public",
            "respond_by",
            "state",
            "state_label",
            "issuer",
            "drafted_at",
            "approved_at",
            "reject_reason",
            "interview_at",
            "interview_place",
            "interview_parties",
            "interview_record",
            "responded_at",
            "closed_at",
            "commitments",
            "version",
            "pdf_url",
            "response_url",
            "allowed_moves",
        ]

    def get_pdf_url(self, sanction) -> str | None:
        return reverse("api-sanction-pdf", args=[sanction.pk]) if sanction.number else None

    def get_response_url(self, sanction) -> str | None:
        return reverse("api-sanction-response", args=[sanction.pk]) if sanction.response else None

    def get_allowed_moves(self, sanction) -> list[str]:
        kinds = actor_kinds(self.context["request"].user, sanction)
        moves = [m for m in SANCTION_WORKFLOW.moves_for(sanction.state, kinds) if m != "draft"]
        if sanction.kind != SanctionKind.INTERVIEW:
            moves = [m for m in moves if m != "record_interview"]
        return moves


class SanctionMeasureFields(serializers.Serializer):
    """The measure's own fields, as on the screen's form."""

    kind = serializers.ChoiceField(SanctionKind.choices)
    target_kind = serializers.ChoiceField(TargetKind.choices)
    reason = serializers.CharField(max_length=TEXT)
    approval_level = serializers.ChoiceField(ApprovalLevel.choices)
    person_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    person_post = serializers.CharField(max_length=100, required=False, allow_blank=True)
    public = serializers.BooleanField(required=False, allow_null=True, default=None)
    respond_by = serializers.DateField(required=False, allow_null=True)
    interview_at = serializers.DateTimeField(required=False, allow_null=True)
    interview_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    interview_parties = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)


class SanctionCreateSerializer(SanctionMeasureFields):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(), required=False, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent when the schema is generated
        if request is not None:
            fields: Any = self.fields
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user, "view")
            fields["department"].queryset = Department.objects.for_user(
                request.user, "view"
            ).exclude(kind=DepartmentKind.CITY_BUREAU)


class SanctionApproveSerializer(serializers.Serializer):
    version = _version()
    public = serializers.BooleanField(required=False, allow_null=True, default=None)


class SanctionCommitmentInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    due_on = serializers.DateField()


class SanctionInterviewSerializer(serializers.Serializer):
    version = _version()
    record = serializers.CharField(max_length=TEXT)
    parties = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)
    commitments = SanctionCommitmentInput(many=True, required=False)

    def validate_commitments(self, value):
        return [(c["text"], c["due_on"]) for c in value]


class SanctionRespondSerializer(serializers.Serializer):
    version = _version()
    response = serializers.FileField(help_text=_("The written response, a PDF."))


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


# ------------------------------------------------------------------ proposals
class ProposalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ProposalState.choices, label=_("state"))
    kind = django_filters.CharFilter(label=_("trigger"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("enterprise"))

    class Meta:
        model = Proposal
        fields = ["state", "kind", "enterprise"]


class ProposalSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="rule.label", read_only=True)
    state_label = _label("get_state_display")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    measure = serializers.CharField(source="rule.measure", read_only=True)
    measure_label = serializers.CharField(source="rule.get_measure_display", read_only=True)
    approval_level = serializers.CharField(source="rule.approval_level", read_only=True)
    sanctions: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "enterprise",
            "enterprise_name",
            "hazard",
            "accident",
            "summary",
            "evidence",
            "measure",
            "measure_label",
            "approval_level",
            "raised_at",
            "dismiss_reason",
            "sanctions",
            "version",
            "allowed_moves",
        ]

    def get_allowed_moves(self, proposal) -> list[str]:
        kinds = actor_kinds(self.context["request"].user, proposal)
        moves = PROPOSAL_WORKFLOW.moves_for(proposal.state, kinds)
        return ["draft" if m == "accept" else m for m in moves if m != "raise"]


class ProposalDraftSerializer(SanctionMeasureFields):
    """The measure the proposal calls for: its rule's measure and level unless given."""

    version = _version()
    kind = serializers.ChoiceField(SanctionKind.choices, required=False)
    target_kind = serializers.ChoiceField(TargetKind.choices, required=False)
    reason = serializers.CharField(max_length=TEXT, required=False)
    approval_level = serializers.ChoiceField(ApprovalLevel.choices, required=False)


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


class EnforcementTriggerRuleSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="label", read_only=True)
    measure_label = _label("get_measure_display")
    approval_level_label = _label("get_approval_level_display")

    class Meta:
        model = TriggerRule
        fields = [
            "id",
            "kind",
            "kind_label",
            "params",
            "measure",
            "measure_label",
            "approval_level",
            "approval_level_label",
            "enabled",
            "effective_from",
            "source",
            "notes",
        ]


class EnforcementLegalBasisSerializer(serializers.ModelSerializer):
    ground_label = _label("get_ground_display")

    class Meta:
        model = LegalBasis
        fields = [
            "id",
            "code",
            "title",
            "offence",
            "fine_min",
            "fine_max",
            "ground",
            "ground_label",
            "effective_from",
            "source",
        ]


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
