"""The regulators' API over public reports: list and read in scope, accept and reject through
the same services as the triage screen; rewards and their moves, as on the rewards screen."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.api import ScopedReadOnlyViewSet
from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.public import rewards, services
from safeloop.public.models import PublicReport, Reward


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
