"""Appeals: their public stage and outcome for everyone, as the request's public page shows
them; recording a stage and commenting for the request's team and organizers."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import ratelimit
from ..models import AccessRequest, Appeal, AppealEvent, Outcome, Province, Stage
from ..services import appeals as appeal_services
from .common import CAMPAIGN_PARAMETER, campaign_of, refusals, validated
from .coordination import CommentInputSerializer, CommentSerializer, comment_on


class AppealSerializer(serializers.ModelSerializer):
    """What anyone may know of an appeal: where it stands and how it ended."""

    police_service = serializers.SlugRelatedField(
        source="request.police_service", slug_field="slug", read_only=True
    )
    campaign = serializers.SlugRelatedField(
        source="request.campaign", slug_field="slug", read_only=True
    )
    demo = serializers.BooleanField(source="request.campaign.is_demo", read_only=True)
    order_url = serializers.CharField(read_only=True, help_text=_("Blank when there is none."))
    url = serializers.CharField(
        source="request.get_absolute_url",
        read_only=True,
        help_text=_("The request's public page, which shows the appeal."),
    )

    class Meta:
        model = Appeal
        fields = [
            "id", "request", "police_service", "campaign", "demo", "stage", "stage_on",
            "filed_on", "outcome", "order_number", "order_url", "url",
        ]  # fmt: skip


class TeamAppealSerializer(AppealSerializer):
    """The team's view: what is appealed, and the last day to file it."""

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields, "basis", "decision_on", "file_by", "file_number",
            "opened_at",
        ]  # fmt: skip


class AppealFilter(filters.FilterSet):
    province = filters.ChoiceFilter(
        field_name="request__police_service__province", choices=Province.choices
    )
    police_service = filters.CharFilter(
        field_name="request__police_service__slug", label=_("Slug of the police service")
    )
    updated_since = filters.IsoDateTimeFilter(
        method="changed_since", label=_("Opened or given a stage since")
    )

    class Meta:
        model = Appeal
        fields = ["stage", "outcome"]

    def changed_since(self, queryset, name, value):
        staged = AppealEvent.objects.filter(appeal=OuterRef("pk"), logged_at__gte=value)
        return queryset.filter(Q(opened_at__gte=value) | Exists(staged))


class StageInputSerializer(serializers.Serializer):
    """A stage reached and when, as the appeal page's form takes it."""

    stage = serializers.ChoiceField(choices=Stage.choices)
    occurred_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    file_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
    )
    order_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=80
    )
    order_url = serializers.URLField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The commissioner's letter: PDF, image or e-mail (.eml); only the team sees it."
        ),
    )


def appeal_worked_on(user, pk) -> Appeal:
    """An appeal of a request the person works on (any, for organizers), or 404."""
    return get_object_or_404(
        Appeal.objects.filter(request__in=AccessRequest.objects.visible_to(user)), pk=pk
    )


@extend_schema_view(
    list=extend_schema(summary=_("Appeals: stage and outcome"), parameters=[CAMPAIGN_PARAMETER]),
    retrieve=extend_schema(summary=_("One appeal: stage and outcome")),
)
class AppealViewSet(viewsets.ReadOnlyModelViewSet):
    """Appeals of the campaign shown (`?campaign=`, the real one by default): each one's
    stage and outcome, and the order or report that ended it."""

    queryset = Appeal.objects.none()  # the schema's model; get_queryset gives the rows
    serializer_class = AppealSerializer
    filterset_class = AppealFilter
    ordering_fields = ["stage_on", "opened_at"]
    ordering = ["-stage_on", "-pk"]

    def get_queryset(self):
        appeals = Appeal.objects.select_related("request__police_service", "request__campaign")
        if self.action == "list":
            appeals = appeals.filter(request__campaign=campaign_of(self.request))
        return appeals

    @extend_schema(
        summary=_("Record an appeal's stage"),
        request={
            "application/json": StageInputSerializer,
            "multipart/form-data": StageInputSerializer,
        },
        responses={201: TeamAppealSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def stages(self, request, pk=None):
        """Record one stage with the day it happened, with the commissioner's letter if
        you have it; the appeal's stage follows."""
        if request.FILES:
            ratelimit.check(request, "uploads")
        appeal = appeal_worked_on(request.user, pk)
        data = validated(StageInputSerializer, request)
        with refusals(appeal_services.AppealError):
            appeal_services.appeal_stage_record(appeal=appeal, by=request.user, **data)
        appeal.refresh_from_db()
        return Response(TeamAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Comment on an appeal"),
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def comments(self, request, pk=None):
        """A comment on the appeal, for its request's team only (the default) or everyone."""
        return comment_on(appeal_worked_on(request.user, pk), request)
