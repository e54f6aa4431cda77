"""The enforcement API's filters and serializers: what each list filters on, what a record
reads as (codes with their labels, the moves the caller may make next, the PDF's address) and
what each move takes (always the version read)."""

from datetime import datetime, time
from typing import Any

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safeloop.core.scoping import PK_MAX
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

VERSION_HELP = _("The version you read; required (409 when it is stale, 400 when missing).")


TEXT = 5000


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


class CaseNotifySerializer(serializers.Serializer):
    version = _version()
    findings = serializers.CharField(max_length=TEXT)
    basis = serializers.PrimaryKeyRelatedField(queryset=LegalBasis.objects.all())
    fine = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class CaseExecuteSerializer(serializers.Serializer):
    version = _version()
    note = serializers.CharField(max_length=TEXT)


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
