"""Read-only public API of the directory. Writes go through the admin and import commands."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound

from . import selectors
from .models import AccessRegime, Campaign, Finding, PoliceService, RegimeRuleSet, Release


def _campaign(request) -> Campaign | None:
    """`?campaign=` or the real default campaign: one campaign at a time, as on the pages."""
    try:
        return selectors.chosen_campaign(request.query_params.get("campaign", ""))
    except Campaign.DoesNotExist:
        raise NotFound("No open campaign has that slug.") from None


class RuleSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegimeRuleSet
        exclude = ["id", "regime"]


class AccessRegimeSerializer(serializers.ModelSerializer):
    rule_sets = RuleSetSerializer(many=True, read_only=True)

    class Meta:
        model = AccessRegime
        exclude = ["id"]


class PoliceServiceSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.URLField(source="get_absolute_url", read_only=True)

    class Meta:
        model = PoliceService
        exclude = ["id", "search_text"]


class PoliceServiceFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="name or city (accents ignored)")

    class Meta:
        model = PoliceService
        fields = ["province", "kind", "known_alpr", "active", "regime__code"]

    def search(self, queryset, name, value):
        from .models.directory import search_key

        for word in search_key(value).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset


class AccessRegimeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AccessRegime.objects.prefetch_related("rule_sets").order_by("code")
    serializer_class = AccessRegimeSerializer
    lookup_field = "code"
    filterset_fields = ["jurisdiction"]


class PoliceServiceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PoliceService.objects.select_related("regime", "parent").order_by("slug")
    serializer_class = PoliceServiceSerializer
    lookup_field = "slug"
    filterset_class = PoliceServiceFilter


class ReleaseSerializer(serializers.ModelSerializer):
    police_service = serializers.SlugRelatedField(
        source="request.police_service", slug_field="slug", read_only=True
    )
    campaign = serializers.SlugRelatedField(
        source="request.campaign", slug_field="slug", read_only=True
    )
    demo = serializers.BooleanField(source="request.campaign.is_demo", read_only=True)
    original_name = serializers.SerializerMethodField()
    kind = serializers.CharField(source="stored.kind", read_only=True)
    page_count = serializers.IntegerField(source="stored.page_count", read_only=True)
    url = serializers.URLField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Release
        fields = [
            "id", "title", "original_name", "received_on", "police_service", "campaign",
            "demo", "kind", "page_count", "moderation", "url",
        ]  # fmt: skip

    def get_original_name(self, release) -> str | None:
        """A file's own name can carry personal names: only for its team and organizers."""
        return release.original_name if release.request_id in self.context["team"] else None


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved releases of one campaign (`?campaign=`, the real one by default) for
    everyone; a request's own releases too for its volunteers."""

    serializer_class = ReleaseSerializer

    def get_serializer_context(self):
        from .models import AccessRequest

        team = AccessRequest.objects.visible_to(self.request.user).values_list("pk", flat=True)
        return {**super().get_serializer_context(), "team": set(team)}

    def get_queryset(self):
        return (
            Release.objects.visible_to(self.request.user)
            .filter(request__campaign=_campaign(self.request))
            .with_file()
            .select_related("request__police_service", "request__campaign")
            .order_by("-received_on", "-pk")
        )


class FindingSerializer(serializers.ModelSerializer):
    police_service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    demo = serializers.BooleanField(source="campaign.is_demo", read_only=True)
    value = serializers.SerializerMethodField()
    source = serializers.CharField(source="source_url", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "police_service", "campaign", "demo", "field", "value", "page", "source", "updated_at",
        ]  # fmt: skip

    def get_value(self, finding):
        value = finding.value
        return (
            str(value) if value is not None and not isinstance(value, list | int | str) else value
        )


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings of one campaign (`?campaign=`, the real one by default) whose source
    release is approved for publication."""

    serializer_class = FindingSerializer
    filterset_fields = ["field", "police_service__province", "police_service__slug"]

    def get_queryset(self):
        campaign = _campaign(self.request)
        if campaign is None:
            return Finding.objects.none()
        return (
            selectors.public_findings(campaign)
            .select_related("campaign")
            .order_by("police_service__slug", "field")
        )
