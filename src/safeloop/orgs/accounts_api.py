"""/api/v1/accounts/ and /api/v1/tokens/: the same services as the account screens, the same
statuses (404 outside scope, 403 above the actor's role, 400 with field errors)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from safeloop.orgs import accounts, tokens
from safeloop.orgs.models import ApiToken, RoleAssignment, User
from safeloop.orgs.roles import ACCOUNT_MANAGERS, Role


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "role",
            "region",
            "park",
            "grid",
            "enterprise",
            "region_code",
            "active",
            "unit",
        ]

    def get_unit(self, assignment) -> str:
        return str(assignment.unit or "")


class AccountSerializer(serializers.ModelSerializer):
    roles = AssignmentSerializer(source="role_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "mobile",
            "email",
            "is_active",
            "last_login",
            "roles",
        ]
        read_only_fields = fields


class UnitInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    region = serializers.IntegerField(required=False, allow_null=True)
    park = serializers.IntegerField(required=False, allow_null=True)
    grid = serializers.IntegerField(required=False, allow_null=True)
    enterprise = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200)


class AccountInput(UnitInput):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50)
    mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class AccountEditInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=50)
    mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RevokeInput(ReasonInput):
    assignment = serializers.IntegerField()


class InvitationSerializer(serializers.Serializer):
    account = AccountSerializer()
    code = serializers.CharField()
    link = serializers.CharField()


def _valid(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _invitation(request, user, code):
    from safeloop.orgs.views import invitation_link

    return {
        "account": AccountSerializer(user).data,
        "code": code,
        "link": invitation_link(request, code),
    }


class AccountViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Accounts of people in the caller's scope. Writes answer 403 for an account holding a
    role the caller may not grant; outside the scope, 404."""

    serializer_class = AccountSerializer
    queryset = User.objects.none()

    def get_queryset(self):
        if not self.request.user.roles & ACCOUNT_MANAGERS:
            return User.objects.none()
        return (
            accounts.accounts_for(self.request.user)
            .prefetch_related("role_assignments")
            .order_by("username")
        )

    def get_object(self):
        if not self.request.user.roles & ACCOUNT_MANAGERS:
            raise Http404
        return accounts.get_account(self.request.user, self.kwargs["pk"])

    @extend_schema(request=AccountInput, responses={201: InvitationSerializer})
    def create(self, request):
        if not request.user.roles & ACCOUNT_MANAGERS:
            raise Http404
        data = _valid(AccountInput, request)
        user, code = accounts.create_account(actor=request.user, **data)
        return Response(_invitation(request, user, code), status=status.HTTP_201_CREATED)

    @extend_schema(request=AccountEditInput, responses=AccountSerializer)
    def partial_update(self, request, pk=None):
        user = self.get_object()
        data = _valid(AccountEditInput, request)
        user = accounts.update_account(actor=request.user, user=user, **data)
        return Response(AccountSerializer(user).data)

    @extend_schema(request=ReasonInput, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        user = accounts.set_active(
            actor=request.user, user=self.get_object(), active=False, **_valid(ReasonInput, request)
        )
        return Response(AccountSerializer(user).data)

    @extend_schema(request=ReasonInput, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        user = accounts.set_active(
            actor=request.user, user=self.get_object(), active=True, **_valid(ReasonInput, request)
        )
        return Response(AccountSerializer(user).data)

    @extend_schema(request=ReasonInput, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        user = self.get_object()
        code = accounts.invite_again(actor=request.user, user=user, **_valid(ReasonInput, request))
        return Response(_invitation(request, user, code))

    @extend_schema(request=UnitInput, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        user = self.get_object()
        assignment = accounts.grant_role(
            actor=request.user, user=user, **_valid(UnitInput, request)
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeInput, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="revoke-role")
    def revoke_role(self, request, pk=None):
        user = self.get_object()
        data = _valid(RevokeInput, request)
        if not user.role_assignments.filter(pk=data["assignment"]).exists():
            raise Http404
        assignment = accounts.revoke_role(
            actor=request.user, assignment_pk=data["assignment"], reason=data["reason"]
        )
        return Response(AssignmentSerializer(assignment).data)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "user",
        ]
        read_only_fields = fields


class TokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class NewTokenSerializer(TokenSerializer):
    secret = serializers.CharField()

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class RevokeTokenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TokenViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The caller's own tokens; `revoke` also takes a token of an account the caller manages
    (with a reason)."""

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return tokens.tokens_of(self.request.user)

    @extend_schema(request=TokenInput, responses={201: NewTokenSerializer})
    def create(self, request):
        token, secret = tokens.create_token(actor=request.user, **_valid(TokenInput, request))
        data = TokenSerializer(token).data
        data["secret"] = secret
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeTokenInput, responses=TokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = tokens.revoke_token(
            actor=request.user, token_pk=pk, **_valid(RevokeTokenInput, request)
        )
        return Response(TokenSerializer(token).data)
