"""Reads shared by pages, the API and exports."""

from django.db.models import Prefetch, QuerySet

from .models import AccessRegime, PoliceService, RegimeRuleSet
from .models.directory import search_key


def directory_services(
    *, province: str = "", kind: str = "", query: str = ""
) -> QuerySet[PoliceService]:
    """Active police services for the public directory, filtered as asked."""
    services = PoliceService.objects.filter(active=True).select_related("regime")
    if province:
        services = services.filter(province=province)
    if kind:
        services = services.filter(kind=kind)
    for word in search_key(query).split():
        services = services.filter(search_text__contains=word)
    return services.order_by("province", "name_en")


def service_for_page(slug: str) -> PoliceService:
    return (
        PoliceService.objects.select_related("regime", "parent")
        .prefetch_related("regime__rule_sets", "divisions")
        .get(slug=slug)
    )


def regimes_for_guide() -> QuerySet[AccessRegime]:
    """Every regime that applies to at least one service, with its rule sets."""
    return (
        AccessRegime.objects.filter(police_services__active=True)
        .distinct()
        .prefetch_related(
            Prefetch("rule_sets", queryset=RegimeRuleSet.objects.order_by("effective_from"))
        )
        .order_by("jurisdiction", "code")
    )
