"""The regulators' API over public reports: list and read in scope, accept and reject through
the same services as the triage screen."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.core.api import ScopedReadOnlyViewSet
from safeloop.enterprises.models import Enterprise
from safeloop.public import services
from safeloop.public.models import PublicReport


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
