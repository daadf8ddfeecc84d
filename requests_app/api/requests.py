"""A volunteer's requests and the work on them: logging a step, uploading a release,
opening an appeal, commenting. Only the request's team and organizers see a request here
(`AccessRequest.objects.visible_to`); anyone else gets a 404, as on its page."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import ratelimit
from ..models import (
    AccessRequest,
    AppealGround,
    Province,
    RequestEvent,
    Status,
)
from ..services import appeals as appeal_services
from ..services import releases as release_services
from ..services import requests as request_services
from .appeals import TeamAppealSerializer
from .common import CAMPAIGN_PARAMETER, campaign_of, refusals, validated
from .coordination import CommentInputSerializer, CommentSerializer, comment_on
from .releases import ReleaseSerializer, team_requests


class RequestSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    demo = serializers.BooleanField(source="campaign.is_demo", read_only=True)
    police_service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    regime = serializers.SlugRelatedField(slug_field="code", read_only=True)
    next_statuses = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AccessRequest
        fields = [
            "id", "campaign", "demo", "police_service", "regime", "status", "status_on",
            "filed_on", "received_on", "method", "reference_number", "due_on", "appeal_due_on",
            "next_statuses", "url",
        ]  # fmt: skip

    def get_next_statuses(self, request) -> list[str]:
        """The steps that may be logged next."""
        return request_services.next_statuses([e.status for e in request.events.all()])


class RequestFilter(filters.FilterSet):
    province = filters.ChoiceFilter(field_name="police_service__province", choices=Province.choices)
    police_service = filters.CharFilter(
        field_name="police_service__slug", label=_("Slug of the police service")
    )

    class Meta:
        model = AccessRequest
        fields = ["status"]


class StepSerializer(serializers.ModelSerializer):
    """One logged step of a request, as its page shows it to the team."""

    class Meta:
        model = RequestEvent
        fields = [
            "id", "request", "status", "occurred_on", "note", "extension_days", "new_due_on",
            "section_cited", "amount", "transferred_to", "logged_at",
        ]  # fmt: skip


class StepInputSerializer(serializers.Serializer):
    """What happened and when, as the request page's form takes it (attachments go with a
    release upload pointing at the step)."""

    status = serializers.ChoiceField(choices=Status.choices)
    occurred_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    extension_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=365
    )
    new_due_on = serializers.DateField(required=False, allow_null=True)
    section_cited = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=120
    )
    amount = serializers.DecimalField(
        required=False, allow_null=True, min_value=Decimal(0), max_digits=9, decimal_places=2
    )
    transferred_to = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class ReleaseUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, image (PNG, JPEG, TIFF), spreadsheet (CSV, XLSX) or e-mail (.eml).")
    )
    received_on = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    event = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Id of the step the release came with.")
    )

    def validate_event(self, pk):
        if pk is None:
            return None
        event = self.context["access_request"].events.filter(pk=pk).first()
        if event is None:
            raise serializers.ValidationError(_("This request has no step with that id."))
        return event


class GroundSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AppealGround.Kind.choices)
    section = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=120,
        help_text=_("For an exemption: the section the police service relied on, e.g. s.8(1)(c)."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AppealOpenSerializer(serializers.Serializer):
    grounds = GroundSerializer(many=True, help_text=_("What the appeal contests."))


@extend_schema_view(
    list=extend_schema(summary=_("Requests you work on"), parameters=[CAMPAIGN_PARAMETER]),
    retrieve=extend_schema(summary=_("One request you work on")),
)
class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    """The requests of the targets you work on (all of them for organizers), in the
    campaign shown (`?campaign=`, the real one by default)."""

    queryset = AccessRequest.objects.none()  # the schema's model; get_queryset gives the rows
    serializer_class = RequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RequestFilter
    ordering_fields = ["filed_on", "due_on", "status_on"]
    ordering = ["-filed_on", "-pk"]

    def get_queryset(self):
        requests = (
            AccessRequest.objects.visible_to(self.request.user)
            .select_related("campaign", "police_service", "regime")
            .prefetch_related("events")
        )
        if self.action == "list":
            requests = requests.filter(campaign=campaign_of(self.request))
        return requests

    @extend_schema(
        summary=_("Log a step"), request=StepInputSerializer, responses={201: StepSerializer}
    )
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Log one step with the day it happened (an acknowledgement, a fee, an extension, a
        decision...); the status, due date and appeal deadline follow from the steps."""
        access_request = self.get_object()
        data = validated(StepInputSerializer, request)
        with refusals(request_services.RequestError):
            event = request_services.request_status_record(
                request=access_request, by=request.user, **data
            )
        return Response(StepSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Upload a released document"),
        request={"multipart/form-data": ReleaseUploadSerializer},
        responses={201: ReleaseSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def releases(self, request, pk=None):
        """Store what the police service released; it stays private until an organizer
        approves it."""
        ratelimit.check(request, "uploads")
        access_request = self.get_object()
        data = validated(ReleaseUploadSerializer, request, access_request=access_request)
        with refusals(release_services.ReleaseError):
            release = release_services.release_upload(
                request=access_request,
                by=request.user,
                upload=data["file"],
                received_on=data["received_on"],
                event=data.get("event"),
                title=data["title"],
            )
        context = {"request": request, "team": team_requests(request.user)}
        return Response(
            ReleaseSerializer(release, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary=_("Open an appeal"),
        request=AppealOpenSerializer,
        responses={201: TeamAppealSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def appeals(self, request, pk=None):
        """Open an appeal of the request's decision or of its silence past the due date."""
        access_request = self.get_object()
        data = validated(AppealOpenSerializer, request)
        grounds = [appeal_services.Ground(**ground) for ground in data["grounds"]]
        with refusals(appeal_services.AppealError):
            appeal = appeal_services.appeal_open(
                request=access_request, by=request.user, grounds=grounds
            )
        return Response(TeamAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Comment on a request"),
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """A comment for the team only (the default) or for everyone, in plain text or
        Markdown; the request's watchers are told."""
        return comment_on(self.get_object(), request)
