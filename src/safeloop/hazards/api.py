"""Hidden dangers over the API: list/detail/create, and one endpoint per move that answers
with the new state and the moves the caller may make next."""

from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safeloop.core.views import get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import notices, services
from safeloop.hazards.choices import Category, Level, Source
from safeloop.hazards.filters import HazardFilter
from safeloop.hazards.models import Hazard, HazardEvent, HazardPhoto, Listing, PhotoStage


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = HazardEvent
        fields = ["at", "actor", "move", "from_state", "to_state", "note"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "taken_at", "width", "height", "sha256", "url", "thumbnail_url"]

    def get_url(self, photo) -> str:
        return reverse("hazard-photo", args=[photo.hazard_id, photo.pk])

    def get_thumbnail_url(self, photo) -> str:
        return self.get_url(photo) + "?size=thumb"


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    stage = serializers.ChoiceField(PhotoStage.choices)


class HazardSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    allowed_moves = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        exclude = ["idempotency_key", "created_by", "reporter_contact"]

    def get_allowed_moves(self, hazard) -> list[str]:
        return services.allowed_moves(hazard, self.context["request"].user)


class HazardListSerializer(serializers.ModelSerializer):
    """The list's compact rows; the detail adds the timeline, photos and allowed moves."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "number",
            "state",
            "level",
            "source",
            "category",
            "place",
            "description",
            "found_at",
            "deadline",
            "version",
        ]


class CreatedSerializer(serializers.Serializer):
    """What a creation answers: the list row, the version and the next moves; the timeline
    and photos are one GET of the `Location` away. Declared fields, not model introspection:
    creation is the write path that has to be quick."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    state = serializers.CharField()
    level = serializers.CharField()
    source = serializers.CharField()
    category = serializers.CharField()
    place = serializers.CharField()
    description = serializers.CharField()
    found_at = serializers.DateTimeField()
    deadline = serializers.DateField()
    deadline_working_days = serializers.IntegerField()
    deadline_fell_back = serializers.BooleanField()
    notice_number = serializers.CharField()
    version = serializers.IntegerField()
    allowed_moves = serializers.SerializerMethodField()

    def get_allowed_moves(self, hazard) -> list[str]:
        return services.allowed_moves(hazard, self.context["request"].user)


class CreateSerializer(serializers.Serializer):
    move = serializers.ChoiceField(["register", "fix_on_spot", "report"], default="register")
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none())
    level = serializers.ChoiceField(Level.choices, default=Level.GENERAL)
    source = serializers.ChoiceField(Source.choices)
    category = serializers.ChoiceField(Category.choices)
    criterion = serializers.CharField(max_length=100, required=False, allow_blank=True)
    place = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    cause = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)
    deadline_working_days = serializers.IntegerField(required=False, min_value=1, max_value=999)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only enterprises in the caller's scope exist here: one that is outside it gets the
        # same "does not exist" answer as one that was never there.
        request = self.context.get("request")  # absent when the schema is generated
        if request is not None:
            # what a creation reads of the enterprise; the rest of its wide row stays unread
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user).only(
                "name", "region_code", "park_id", "grid_id", "status"
            )


MOVE_FIELDS = {
    "confirm": {
        "deadline": serializers.DateField(required=False),
        "deadline_working_days": serializers.IntegerField(required=False, min_value=1),
        "level": serializers.ChoiceField(Level.choices, required=False),
    },
    "reject": {"reason": serializers.CharField(max_length=2000)},
    "plan": {
        **{
            name: serializers.CharField(max_length=5000, required=False, allow_blank=True)
            for name in services.PLAN_FIELDS
            if name not in ("funds_budgeted", "production_stopped")
        },
        "funds_budgeted": serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, required=False
        ),
        "production_stopped": serializers.BooleanField(required=False),
    },
    "list": {"deadline": serializers.DateField()},
    "submit": {
        "evidence": serializers.CharField(max_length=5000),
        "funds_spent": serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, required=False
        ),
    },
    "request_extension": {
        "new_deadline": serializers.DateField(),
        "reason": serializers.CharField(max_length=2000),
    },
    "decide_extension": {
        "approve": serializers.BooleanField(),
        "note": serializers.CharField(max_length=2000, required=False, allow_blank=True),
    },
    "accept": {
        "opinion": serializers.CharField(max_length=5000),
        "expert_report": serializers.CharField(max_length=5000, required=False, allow_blank=True),
    },
    "return": {"reason": serializers.CharField(max_length=2000)},
    "void": {"reason": serializers.CharField(max_length=2000)},
}
MOVE_SERVICE = services.MOVES


def move_serializer(move: str) -> type[serializers.Serializer]:
    version = serializers.IntegerField(
        help_text=_("The version you read; required (409 when it is stale, 400 when missing).")
    )
    fields = {**MOVE_FIELDS[move], "version": version}
    return type(f"{move.title().replace('_', '')}Serializer", (serializers.Serializer,), fields)


MOVE_SERIALIZERS = {move: move_serializer(move) for move in MOVE_SERVICE}


class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    filterset_class = HazardFilter
    ordering_fields = ["found_at", "deadline"]

    def get_serializer_class(self):
        return HazardListSerializer if self.action == "list" else HazardSerializer

    def get_queryset(self):
        hazards = Hazard.objects.for_user(self.request.user).order_by("-found_at", "-id")
        if self.action == "list":
            return hazards.select_related("enterprise").only(
                "enterprise__name", *HazardListSerializer.Meta.fields[3:], "enterprise_id"
            )
        return hazards.select_related("enterprise").prefetch_related("events__actor", "photos")

    @extend_schema(
        request=CreateSerializer,
        responses=CreatedSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A retried request with the same key "
                "returns the first hazard instead of a duplicate.",
            )
        ],
    )
    def create(self, request):
        data = CreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        move = fields.pop("move")
        key = request.headers.get("Idempotency-Key", "")[:100]
        if move == "report":
            hazard, created = services.report(
                actor=request.user,
                enterprise=fields["enterprise"],
                place=fields["place"],
                description=fields["description"],
                source=fields["source"],
                category=fields["category"],
                level=fields["level"],
                idempotency_key=key,
            )
        elif move == "fix_on_spot":
            hazard, created = services.fix_on_spot(
                actor=request.user,
                idempotency_key=key,
                evidence=fields.pop("evidence", ""),
                **{
                    k: v
                    for k, v in fields.items()
                    if k not in ("deadline", "deadline_working_days")
                },
            )
        else:
            fields.pop("evidence", None)
            hazard, created = services.register(actor=request.user, idempotency_key=key, **fields)
        if created:  # a hazard created just now has no listing: spare allowed_moves the query
            Hazard.listing.related.set_cached_value(hazard, None)
        body = CreatedSerializer(hazard, context={"request": request}).data
        location = f"{request.path}{hazard.pk}/"  # the hazard's detail: timeline and photos
        return Response(body, status=201 if created else 200, headers={"Location": location})


def photos(self, request, pk=None):
    """Attach a photo (multipart: file, stage). Type is sniffed; metadata is stripped."""
    hazard = get_for_user_or_404(Hazard, request.user, pk)
    data = PhotoUploadSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    photo = services.add_photo(
        hazard=hazard,
        actor=request.user,
        upload=data.validated_data["file"],
        stage=data.validated_data["stage"],
    )
    return Response(PhotoSerializer(photo).data, status=201)


HazardViewSet.photos = extend_schema(request=PhotoUploadSerializer, responses=PhotoSerializer)(
    action(detail=True, methods=["post"], parser_classes=[MultiPartParser])(photos)
)


def photo_file(self, request, pk=None, photo_pk=None):
    """A photo, or its thumbnail with ?size=thumb, for users who may see the hazard."""
    hazard = get_for_user_or_404(Hazard, request.user, pk)
    photo = get_object_or_404(HazardPhoto, pk=photo_pk, hazard=hazard)
    stored = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = FileResponse(stored.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


HazardViewSet.photo_file = extend_schema(responses={(200, "image/*"): bytes})(
    action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_pk>[0-9]+)", url_name="photo")(
        photo_file
    )
)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def rectification_notice(self, request, pk=None):
    """隐患整改通知书 (PDF) of a hidden danger a regulator found."""
    hazard = get_for_user_or_404(Hazard.objects.exclude(notice_number=""), request.user, pk)
    return _pdf(notices.rectification_notice(hazard), f"{hazard.notice_number}.pdf")


def listing_notice(self, request, pk=None):
    """挂牌督办通知书 (PDF) of a listed major hidden danger."""
    hazard = get_for_user_or_404(Hazard, request.user, pk)
    listing = get_object_or_404(Listing, hazard=hazard)
    return _pdf(notices.listing_notice(listing), f"{listing.notice_number}.pdf")


for _name, _view, _path in [
    ("rectification_notice", rectification_notice, "notice.pdf"),
    ("listing_notice", listing_notice, "listing-notice.pdf"),
]:
    setattr(
        HazardViewSet,
        _name,
        extend_schema(responses={(200, "application/pdf"): bytes})(
            action(detail=True, methods=["get"], url_path=_path, url_name=_name.replace("_", "-"))(
                _view
            )
        ),
    )


def _make_move_action(move: str):
    serializer = MOVE_SERIALIZERS[move]

    @extend_schema(
        request=serializer,
        responses=HazardSerializer,
        summary=f"Move: {move}",
        operation_id=f"hazards_{move}",
    )
    def perform(self, request, pk=None):
        hazard = get_for_user_or_404(Hazard, request.user, pk)
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        MOVE_SERVICE[move](hazard=hazard, actor=request.user, **data.validated_data)
        hazard = Hazard.objects.get(pk=hazard.pk)
        return Response(HazardSerializer(hazard, context={"request": request}).data)

    perform.__name__ = f"move_{move}"
    return action(detail=True, methods=["post"], url_path=move.replace("_", "-"))(perform)


for _move in MOVE_SERVICE:
    setattr(HazardViewSet, f"move_{_move}", _make_move_action(_move))
