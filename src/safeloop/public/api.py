"""The regulators' API over public reports: list and read in scope, accept and reject through
the same services as the triage screen; rewards and their moves, as on the rewards screen."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.accidents.models import Accident
from safeloop.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region
from safeloop.public import articles, rewards, services
from safeloop.public.filters import ArticleFilter
from safeloop.public.models import Article, PublicReport, Reward
from safeloop.training.models import Campaign


class PublicReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicReport
        exclude = ["code_hash"]


class AcceptBody(serializers.Serializer):
    version = serializers.IntegerField()
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(), required=False, allow_null=True
    )
    reply = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # only an enterprise the regulator can see may be named
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "view")


class RejectBody(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class PublicReportViewSet(ScopedReadOnlyViewSet):
    queryset = PublicReport.objects.select_related("enterprise").order_by("-created_at", "-pk")
    serializer_class = PublicReportSerializer

    @extend_schema(request=AcceptBody, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        body = AcceptBody(data=request.data, user=request.user)
        body.is_valid(raise_exception=True)
        report = services.accept(actor=request.user, report=report, **body.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=RejectBody, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        report = self.get_object()
        body = RejectBody(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.reject(actor=request.user, report=report, **body.validated_data)
        return Response(self.get_serializer(report).data)


# ------------------------------------------------------------------ rewards
class RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = [
            "id",
            "report",
            "state",
            "level",
            "amount",
            "fine",
            "rules",
            "proposed_by",
            "decided_by",
            "note",
            "payment_reference",
            "paid_at",
            "created_at",
            "version",
        ]


class ProposeBody(serializers.Serializer):
    report = serializers.IntegerField()
    version = serializers.IntegerField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    fine = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )


class VersionBody(serializers.Serializer):
    version = serializers.IntegerField()


class RefuseBody(VersionBody):
    note = serializers.CharField(max_length=2000)


class PayBody(VersionBody):
    payment_reference = serializers.CharField(max_length=100)


class RewardViewSet(ScopedReadOnlyViewSet):
    """Rewards in scope; `POST` proposes one for a verified report; approve, refuse and pay
    are the lifecycle's moves (the same services as /public-reports/rewards/)."""

    queryset = Reward.objects.order_by("-created_at", "-pk")
    serializer_class = RewardSerializer

    @extend_schema(request=ProposeBody, responses=RewardSerializer)
    @action(detail=False, methods=["post"])
    def propose(self, request):
        body = ProposeBody(data=request.data)
        body.is_valid(raise_exception=True)
        report = get_for_user_or_404(PublicReport, request.user, body.validated_data["report"])
        reward = rewards.propose(
            actor=request.user,
            report=report,
            version=body.validated_data["version"],
            note=body.validated_data["note"],
            fine=body.validated_data["fine"],
        )
        return Response(self.get_serializer(reward).data, status=201)

    def _move(self, request, func, body_class):
        reward = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        reward = func(actor=request.user, reward=reward, **body.validated_data)
        return Response(self.get_serializer(reward).data)

    @extend_schema(request=VersionBody, responses=RewardSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._move(request, rewards.approve, VersionBody)

    @extend_schema(request=RefuseBody, responses=RewardSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._move(request, rewards.refuse, RefuseBody)

    @extend_schema(request=PayBody, responses=RewardSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._move(request, rewards.pay, PayBody)


# ------------------------------------------------------------------ articles
class ArticleSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), write_only=True, required=False
    )
    accident = serializers.PrimaryKeyRelatedField(
        queryset=Accident.objects.all(), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False, help_text=_("The version you read; required on updates.")
    )

    class Meta:
        model = Article
        fields = ["id", "region", "region_code", *articles.ARTICLE_FIELDS]
        fields += ["state", "published_at", "created_at", "version"]
        read_only_fields = ["region_code", "state", "published_at", "created_at"]

    def validate(self, attrs):
        if self.instance is None and "region" not in attrs:
            raise serializers.ValidationError({"region": [_("This field is required.")]})
        return attrs


class VersionBody(serializers.Serializer):
    version = serializers.IntegerField()


class ArticleViewSet(ScopedModelViewSet):
    """Articles of the public site in the user's scope; create and edit through the same
    services as the screens, and `publish` / `withdraw` with the version read."""

    queryset = Article.objects.order_by("-created_at", "-pk")
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = articles.create_article(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("region", None)
        version = data.pop("version", None)
        serializer.instance = articles.update_article(
            actor=self.request.user, article=serializer.instance, version=version, **data
        )

    def _move(self, request, service):
        article = self.get_object()
        body = VersionBody(data=request.data)
        body.is_valid(raise_exception=True)
        article = service(actor=request.user, article=article, **body.validated_data)
        return Response(self.get_serializer(article).data)

    @extend_schema(request=VersionBody, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._move(request, articles.publish)

    @extend_schema(request=VersionBody, responses=ArticleSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(request, articles.withdraw)
