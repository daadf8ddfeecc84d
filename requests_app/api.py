"""Read-only public API of the directory. Writes go through the admin and import commands."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from .models import AccessRegime, PoliceService, RegimeRuleSet


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
