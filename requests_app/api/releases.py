"""Released documents and the findings drawn from them: approved ones for everyone, a
request's own for its team; and recording a finding, as the release page does."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors
from ..models import AccessRequest, Finding, FindingField, Province, Release, ReleaseDecision
from ..services import releases as release_services
from .common import CAMPAIGN_PARAMETER, campaign_of, refusals, validated


class ReleaseSerializer(serializers.ModelSerializer):
    request = serializers.PrimaryKeyRelatedField(read_only=True)
    police_service = serializers.SlugRelatedField(
        source="request.police_service", slug_field="slug", read_only=True
    )
    campaign = serializers.SlugRelatedField(
        source="request.campaign", slug_field="slug", read_only=True
    )
    demo = serializers.BooleanField(source="request.campaign.is_demo", read_only=True)
    original_name = serializers.SerializerMethodField()
    kind = serializers.CharField(source="stored.kind", read_only=True)
    page_count = serializers.IntegerField(
        source="stored.page_count", read_only=True, allow_null=True
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "id", "title", "original_name", "received_on", "request", "police_service",
            "campaign", "demo", "kind", "page_count", "moderation", "url", "file_url",
        ]  # fmt: skip

    def get_original_name(self, release) -> str | None:
        """A file's own name can carry personal names: only for its team and organizers."""
        return release.original_name if release.request_id in self.context["team"] else None

    def get_file_url(self, release) -> str:
        return reverse("requests_app:release_file", kwargs={"pk": release.pk})


def team_requests(user) -> set[int]:
    """The requests whose private details this person reads (`visible_to`), in one query."""
    return set(AccessRequest.objects.visible_to(user).values_list("pk", flat=True))


def _decided_since(path: str, since) -> Exists:
    """A moderation decision on the release at `path` since then (a release becomes public,
    and so do its findings, when it is approved)."""
    return Exists(ReleaseDecision.objects.filter(release=OuterRef(path), decided_at__gte=since))


class ReleaseFilter(filters.FilterSet):
    province = filters.ChoiceFilter(
        field_name="request__police_service__province", choices=Province.choices
    )
    police_service = filters.CharFilter(
        field_name="request__police_service__slug", label=_("Slug of the police service")
    )
    kind = filters.CharFilter(field_name="stored__kind", label=_("File kind, e.g. pdf or csv"))
    updated_since = filters.IsoDateTimeFilter(
        method="changed_since", label=_("Uploaded or moderated since")
    )

    class Meta:
        model = Release
        fields = ["moderation"]

    def changed_since(self, queryset, name, value):
        return queryset.filter(Q(uploaded_at__gte=value) | _decided_since("pk", value))


class FindingSerializer(serializers.ModelSerializer):
    police_service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    demo = serializers.BooleanField(source="campaign.is_demo", read_only=True)
    value = serializers.SerializerMethodField()
    release = serializers.PrimaryKeyRelatedField(read_only=True)
    source = serializers.CharField(source="source_url", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "police_service", "campaign", "demo", "field", "value", "release", "page", "source",
            "updated_at",
        ]  # fmt: skip

    def get_value(self, finding) -> str | int | list[str] | None:
        """A count as a number, vendors as a list, anything else as text (an amount, a date
        as YYYY-MM-DD, yes / no / unconfirmed)."""
        value = finding.value
        return (
            str(value) if value is not None and not isinstance(value, list | int | str) else value
        )


class FindingFilter(filters.FilterSet):
    province = filters.ChoiceFilter(field_name="police_service__province", choices=Province.choices)
    police_service = filters.CharFilter(
        field_name="police_service__slug", label=_("Slug of the police service")
    )
    vendor = filters.CharFilter(
        method="of_services_using", label=_("Findings of the services whose vendors include it")
    )
    updated_since = filters.IsoDateTimeFilter(
        method="changed_since", label=_("Recorded, corrected or published since")
    )

    class Meta:
        model = Finding
        fields = ["field"]

    def of_services_using(self, queryset, name, value):
        vendors = selectors.public_findings(campaign_of(self.request)).filter(
            field=FindingField.VENDORS
        )
        return queryset.filter(
            police_service__in=[f.police_service_id for f in vendors if value in f.value]
        )

    def changed_since(self, queryset, name, value):
        return queryset.filter(Q(updated_at__gte=value) | _decided_since("release", value))


class FindingInputSerializer(serializers.Serializer):
    """A fact read in this release, as the release page's form takes it."""

    field = serializers.ChoiceField(choices=FindingField.choices)
    value = serializers.CharField(
        max_length=2000,
        help_text=_(
            "Numbers for counts and days; CAD amount for money; YYYY-MM-DD for dates; "
            "yes, no or unconfirmed; vendors as flock, genetec, motorola, axon, neology or other, "
            "separated by ;."
        ),
    )
    page = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary=_("Released documents"), parameters=[CAMPAIGN_PARAMETER]),
    retrieve=extend_schema(summary=_("One released document")),
)
class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved releases of one campaign (`?campaign=`, the real one by default) for
    everyone; a request's own releases too for its volunteers. `file_url` serves the file."""

    queryset = Release.objects.none()  # the schema's model; get_queryset gives the rows
    serializer_class = ReleaseSerializer
    filterset_class = ReleaseFilter
    ordering_fields = ["received_on", "uploaded_at"]
    ordering = ["-received_on", "-pk"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "team": team_requests(self.request.user)}

    def get_queryset(self):
        releases = (
            Release.objects.visible_to(self.request.user)
            .with_file()
            .select_related("request__police_service", "request__campaign")
        )
        if self.action == "list":
            releases = releases.filter(request__campaign=campaign_of(self.request))
        return releases

    @extend_schema(
        summary=_("Record a finding from this release"),
        request=FindingInputSerializer,
        responses={201: FindingSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def findings(self, request, pk=None):
        """Record or correct one fact about the release's police service, citing this
        release and page; the team of its request and organizers may."""
        release = self.get_object()
        data = validated(FindingInputSerializer, request)
        with refusals(release_services.ReleaseError):
            finding = release_services.finding_record(
                release=release,
                field=data["field"],
                raw_value=data["value"],
                page=data.get("page"),
                note=data["note"],
                by=request.user,
            )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("What the records say"), parameters=[CAMPAIGN_PARAMETER]),
)
class FindingViewSet(viewsets.mixins.ListModelMixin, viewsets.GenericViewSet):
    """Findings of one campaign (`?campaign=`, the real one by default) whose source
    release is approved for publication: one fact per police service, with its source."""

    queryset = Finding.objects.none()  # the schema's model; get_queryset gives the rows
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["police_service__slug", "field", "updated_at"]
    ordering = ["police_service__slug", "field"]

    def get_queryset(self):
        campaign = campaign_of(self.request)
        if campaign is None:
            return Finding.objects.none()
        return selectors.public_findings(campaign).select_related("campaign")
