"""Bulletins over the API: list and detail with the figures, generation (idempotent per
region and month), regeneration and the two files."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.bulletins import services
from safeloop.bulletins.models import BULLETIN_READERS, Bulletin
from safeloop.bulletins.views import file_response
from safeloop.core.views import get_for_user_or_404
from safeloop.orgs.models import Region, RegionLevel


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = [
            "id",
            "region",
            "region_code",
            "month",
            "number",
            "title",
            "figures",
            "generated_at",
            "generations",
        ]


class GenerateSerializer(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.none())
    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["region"].queryset = Region.objects.for_user(request.user).filter(
                level__in=[RegionLevel.CITY, RegionLevel.COUNTY]
            )


class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer

    def get_queryset(self):
        return Bulletin.objects.for_user(self.request.user).order_by("-month", "region_code")

    def _reader(self):
        if not self.request.user.roles & BULLETIN_READERS:
            raise exceptions.PermissionDenied()

    @extend_schema(request=GenerateSerializer, responses=BulletinSerializer)
    def create(self, request):
        """Generate (or generate again) the bulletin of a region and month."""
        self._reader()
        data = GenerateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        existed = Bulletin.objects.filter(**data.validated_data).exists()
        bulletin = services.generate(actor=request.user, **data.validated_data)
        return Response(BulletinSerializer(bulletin).data, status=200 if existed else 201)

    @extend_schema(request=None, responses=BulletinSerializer)
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        bulletin = get_for_user_or_404(Bulletin, request.user, pk, "change")
        bulletin = services.generate(
            region=bulletin.region, month=bulletin.month, actor=request.user
        )
        return Response(BulletinSerializer(bulletin).data)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="bulletin.pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        return file_response(self.get_object(), "pdf")

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path="bulletin.xlsx", url_name="xlsx")
    def xlsx(self, request, pk=None):
        return file_response(self.get_object(), "xlsx")
