"""/api/v1/expense-…, /api/v1/insurance-rules/, /api/v1/safety-expense-calculator/: the same
services as the screens, the same statuses. No DELETE: a use entered by mistake is voided
(`POST …/void/`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from safeloop.core import ratelimit
from safeloop.core.api import ScopedModelViewSet
from safeloop.core.errors import NotPermitted
from safeloop.enterprises.models import Enterprise
from safeloop.investment import selectors, services
from safeloop.investment.filters import UseFilter, YearFilter
from safeloop.investment.forms import CalculatorForm
from safeloop.investment.models import (
    RULE_EDITORS,
    ExpenseUse,
    ExpenseYear,
    InsuranceRule,
    RateTable,
)
from safeloop.investment.views import HOUR, calculate, calculator_limit

VERSION_HELP = _("The version you read; required on updates (409 when it is stale).")


class YearSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    extracted = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)

    class Meta:
        model = ExpenseYear
        fields = [
            "id",
            "enterprise",
            "year",
            "revenue",
            "sector",
            "table",
            "required",
            "monthly",
            "bands",
            "extracted",
            "opening_balance",
            "note",
            "version",
        ]
        read_only_fields = ["sector", "table", "required", "monthly", "bands"]
        validators: list = []  # one row per enterprise and year: the service updates it

    def validate(self, attrs):
        return attrs


class YearViewSet(ScopedModelViewSet):
    """POST records a year (its revenue; the extraction is computed band by band) or, naming
    the version read, replaces its figures."""

    queryset = ExpenseYear.objects.order_by("-year", "enterprise_id")
    serializer_class = YearSerializer
    filterset_class = YearFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        serializer.instance = services.record_year(actor=self.request.user, version=version, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        row = serializer.instance
        data["enterprise"], data["year"] = row.enterprise, row.year
        data.setdefault("revenue", row.revenue)
        serializer.instance = services.record_year(actor=self.request.user, version=version, **data)


class UseSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    voucher = serializers.FileField(write_only=True)
    voucher_url = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="expense_year.year", read_only=True)

    class Meta:
        model = ExpenseUse
        fields = [
            "id",
            "enterprise",
            "year",
            *services.USE_FIELDS,
            "voucher",
            "voucher_url",
            "voided_at",
            "void_note",
            "version",
        ]
        read_only_fields = ["voided_at", "void_note", "version"]

    def get_voucher_url(self, obj) -> str:
        return f"/investment/uses/{obj.pk}/voucher/" if obj.voucher else ""


class UseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Uses of the safety expense; recorded with a voucher (multipart POST), voided, never
    edited or deleted."""

    queryset = ExpenseUse.objects.order_by("-spent_on", "-id")
    serializer_class = UseSerializer
    filterset_class = UseFilter

    def get_queryset(self):
        return selectors.uses_for(self.request.user).order_by("-spent_on", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.record_use(
            actor=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void a use entered by mistake (`version` and `note` required): it stays, and no
        longer counts."""
        use = self.get_object()
        use = services.void_use(
            actor=request.user,
            use=use,
            version=request.data.get("version"),
            note=str(request.data.get("note", ""))[:300],
        )
        return Response(self.get_serializer(use).data)


class TableSerializer(serializers.ModelSerializer):
    class Meta:
        model = RateTable
        fields = ["id", *services.TABLE_FIELDS, "created_at"]
        validators: list = []

    def validate(self, attrs):
        return attrs


class TableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The rate tables, every version; administrators add a version (POST)."""

    queryset = RateTable.objects.all()
    serializer_class = TableSerializer

    def perform_create(self, serializer):
        if not self.request.user.roles & RULE_EDITORS:
            raise NotPermitted(_("Only an administrator changes these rules."))
        serializer.instance = services.add_table(
            actor=self.request.user, **serializer.validated_data
        )


class InsuranceRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuranceRule
        fields = ["id", *services.INSURANCE_FIELDS, "created_at"]
        validators: list = []

    def validate(self, attrs):
        return attrs


class InsuranceRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The insurance rule, every version; administrators add a version (POST)."""

    queryset = InsuranceRule.objects.all()
    serializer_class = InsuranceRuleSerializer

    def perform_create(self, serializer):
        if not self.request.user.roles & RULE_EDITORS:
            raise NotPermitted(_("Only an administrator changes these rules."))
        serializer.instance = services.add_insurance_rule(
            actor=self.request.user, **serializer.validated_data
        )


@extend_schema(
    parameters=[OpenApiParameter("year", int, description="Default: this year.")],
    responses={200: dict},
)
@api_view(["GET"])
def summary(request):
    """Extraction against use of a year by county and sector, in the caller's scope."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        raise exceptions.ValidationError({"year": [_("Enter a whole number.")]}) from None
    if not 2000 <= year <= today.year + 1:
        raise exceptions.ValidationError({"year": [_("Choose a past or this year.")]})
    rows = selectors.summary(Enterprise.objects.for_user(request.user, "view"), year)
    for row in rows:
        for key in ("required", "extracted", "used", "used_outside"):
            row[key] = str(row[key])
    return Response({"year": year, "rows": rows})


@extend_schema(
    parameters=[
        OpenApiParameter("sector", str, required=True),
        OpenApiParameter("revenue", str, required=True, description="Yuan, e.g. 200000000."),
    ],
    responses={200: dict},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def calculator(request):
    """No sign-in: the year's safety expense from a sector and last year's revenue, band by
    band, with the table's source. Limited per client network and hour (429 past it)."""
    try:
        ratelimit.check(
            f"public:calculator:{ratelimit.client_ip(request)}",
            limit=calculator_limit(),
            per=HOUR,
        )
    except ratelimit.RateLimited as error:
        raise exceptions.Throttled(wait=error.retry_after) from None
    tables = RateTable.in_force()
    form = CalculatorForm(request.GET, tables=tables)
    if not form.is_valid():
        raise exceptions.ValidationError({k: list(v) for k, v in form.errors.items()})
    return Response(calculate(form.cleaned_data["sector"], form.cleaned_data["revenue"], tables))
