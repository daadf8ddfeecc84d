"""The directory, read-only: access laws with their time rules, and police services with
their campaign status and the municipalities they police. The research notes stay with
organizers, as on the pages."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from .. import selectors
from ..models import AccessRegime, Municipality, PoliceService, RegimeRuleSet
from ..selectors import TargetStatus
from ..templatetags.campaign_format import source_url
from .common import CAMPAIGN_PARAMETER, campaign_of


def _links(sources: list[str]) -> list[str]:
    """The web addresses in source notes (the notes themselves are research)."""
    return [url for url in map(source_url, sources) if url]


class RuleSetSerializer(serializers.ModelSerializer):
    sources = serializers.SerializerMethodField()

    class Meta:
        model = RegimeRuleSet
        fields = [
            "effective_from", "effective_to", "response_days", "day_kind", "extension_days",
            "response_time_confirmed", "extension_rule", "extension_rule_fr",
            "fee_estimate_pauses_clock", "deemed_refusal", "appeal_window_days",
            "appeal_day_kind", "appeal_window_from", "appeal_window_from_fr",
            "appeal_window_earliest_days", "appeal_window_earliest_day_kind",
            "deemed_refusal_review", "sources", "last_verified",
        ]  # fmt: skip

    def get_sources(self, rule_set) -> list[str]:
        return _links(rule_set.sources)


def _address() -> serializers.CharField:
    """A web address that may be blank (a blank one is no URI)."""
    return serializers.CharField(read_only=True, help_text=_("Blank when not known."))


class AccessRegimeSerializer(serializers.ModelSerializer):
    rule_sets = RuleSetSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()
    appeal_body_url = _address()
    appeal_body_url_fr = _address()
    portal_url = _address()

    class Meta:
        model = AccessRegime
        fields = [
            "code", "jurisdiction", "name_en", "name_fr", "short_name", "placeholder",
            "citation", "citation_fr", "applies_to", "applies_to_fr", "requests_go_to_en",
            "requests_go_to_fr", "addressee_en", "addressee_fr", "application_fee",
            "application_fee_section", "fee_payable_to_en", "fee_payable_to_fr", "fee_notes",
            "fee_notes_fr", "fee_waiver_basis", "fee_waiver_basis_fr", "fee_waiver_ground_en",
            "fee_waiver_ground_fr", "appeal_body_en", "appeal_body_fr", "appeal_body_url",
            "appeal_body_url_fr", "recourse_kind", "recourse_en", "recourse_fr", "appeal_fee",
            "appeal_fee_notes", "appeal_fee_notes_fr", "portal_url", "right_of_access_section",
            "how_to_request_section", "duty_to_assist_section", "time_limit_section",
            "extension_section", "deemed_refusal_section", "fees_section", "fee_waiver_section",
            "review_or_appeal_section", "appeal_time_limit_section", "sources", "last_verified",
            "rule_sets",
        ]  # fmt: skip

    def get_sources(self, regime) -> list[str]:
        return _links(regime.sources)


class AccessRegimeFilter(filters.FilterSet):
    class Meta:
        model = AccessRegime
        fields = ["jurisdiction", "placeholder"]


@extend_schema_view(
    list=extend_schema(summary=_("Access-to-information laws and their time rules")),
    retrieve=extend_schema(summary=_("One access-to-information law")),
)
class AccessRegimeViewSet(viewsets.ReadOnlyModelViewSet):
    """Each law's facts, and its time rules (`rule_sets`): a law change is a new rule set
    with its own `effective_from`, never an edit."""

    queryset = AccessRegime.objects.prefetch_related(
        Prefetch("rule_sets", queryset=RegimeRuleSet.objects.order_by("effective_from"))
    )
    serializer_class = AccessRegimeSerializer
    lookup_field = "code"
    filterset_class = AccessRegimeFilter
    ordering_fields = ["code", "jurisdiction"]
    ordering = ["code"]


# --- Police services --------------------------------------------------------------------------


class MunicipalitySerializer(serializers.ModelSerializer):
    policing_unconfirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Municipality
        fields = ["slug", "name", "name_fr", "province", "population", "policing_unconfirmed"]


class FilingFactSerializer(serializers.Serializer):
    """One way-to-file fact as the service page shows it (`PoliceService.filing_facts`)."""

    name = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    known = serializers.BooleanField()
    unconfirmed = serializers.BooleanField()
    from_law = serializers.BooleanField()
    source = serializers.CharField(help_text=_("The web address of the source, if any."))
    checked = serializers.DateField(allow_null=True)

    def to_representation(self, fact):
        value = fact["value"]
        return {
            **{name: fact[name] for name in ("name", "known", "unconfirmed", "from_law")},
            "value": value if value is None or isinstance(value, bool | str) else str(value),
            "source": source_url(fact["source"]),
            "checked": fact["checked"].isoformat() if fact["checked"] else None,
        }


class PoliceServiceSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)
    website = _address()
    route_status = serializers.CharField(read_only=True)
    filing_facts = FilingFactSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()
    municipalities = MunicipalitySerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    appeal_stage = serializers.SerializerMethodField()
    appeal_outcome = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = PoliceService
        fields = [
            "slug", "name_en", "name_fr", "short_name", "kind", "province", "hq_city",
            "latitude", "longitude", "website", "regime", "parent", "known_alpr",
            "known_alpr_note", "police_of_jurisdiction", "active", "route_status",
            "filing_facts", "sources", "municipalities", "status", "appeal_stage",
            "appeal_outcome", "url", "updated_at",
        ]  # fmt: skip

    def get_sources(self, service) -> list[str]:
        return _links(service.sources)

    @extend_schema_field(serializers.ChoiceField(choices=TargetStatus.choices))
    def get_status(self, service) -> str:
        """Where the service stands in the campaign shown."""
        return self.context["statuses"].get(service.pk, TargetStatus.UNCLAIMED)

    def get_appeal_stage(self, service) -> str:
        """The stage of its latest appeal that went to the commissioner, or blank."""
        return self.context["appeals"].get(service.pk, ("", ""))[0]

    def get_appeal_outcome(self, service) -> str:
        return self.context["appeals"].get(service.pk, ("", ""))[1]


def target_statuses_of(request) -> dict[int, str]:
    """Each service's status in the campaign shown, read once per request."""
    if not hasattr(request, "_api_statuses"):
        campaign = campaign_of(request)
        request._api_statuses = selectors.target_statuses(campaign) if campaign else {}
    return request._api_statuses


class PoliceServiceFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="search",
        label=_("Name, headquarters city, a municipality it polices, or a province"),
    )
    regime = filters.CharFilter(field_name="regime__code", label=_("Code of its law"))
    status = filters.ChoiceFilter(
        choices=TargetStatus.choices, method="in_status", label=_("Status in the campaign shown")
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = PoliceService
        fields = ["province", "kind", "known_alpr", "active"]

    def search(self, queryset, name, value):
        # What the directory page's search finds (one rule: selectors.directory_services).
        return queryset.filter(pk__in=selectors.directory_services(query=value).values("pk"))

    def in_status(self, queryset, name, value):
        statuses = target_statuses_of(self.request)
        if value == TargetStatus.UNCLAIMED:
            return queryset.exclude(pk__in=list(statuses))
        return queryset.filter(pk__in=[pk for pk, status in statuses.items() if status == value])


@extend_schema_view(
    list=extend_schema(
        summary=_("Police services and their campaign status"), parameters=[CAMPAIGN_PARAMETER]
    ),
    retrieve=extend_schema(summary=_("One police service"), parameters=[CAMPAIGN_PARAMETER]),
)
class PoliceServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Police services with how to file there, the municipalities each polices, and its
    status in the campaign shown (`?campaign=`, the real one by default)."""

    queryset = PoliceService.objects.select_related("regime", "parent").prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    )
    serializer_class = PoliceServiceSerializer
    lookup_field = "slug"
    filterset_class = PoliceServiceFilter
    ordering_fields = ["slug", "name_en", "province", "updated_at"]
    ordering = ["slug"]

    def get_serializer_context(self):
        campaign = campaign_of(self.request)
        return {
            **super().get_serializer_context(),
            "statuses": target_statuses_of(self.request),
            "appeals": selectors.appeal_states(campaign) if campaign else {},
        }
