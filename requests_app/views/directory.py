"""The public directory: police services, each service's page, and the guide."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..forms import DirectoryFilterForm, WhichLawForm
from ..models import PoliceService, Release
from ..roles import is_organizer
from .common import page_campaign

DIRECTORY_PAGE_SIZE = 50


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    services = selectors.directory_services(
        province=filters.get("province", ""),
        kind=filters.get("kind", ""),
        query=filters.get("q", ""),
    )
    # A page of rows at a time, so the page's size does not grow with the directory.
    page = Paginator(services, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    campaign = page_campaign(request)
    context = {
        "form": form,
        "services": services,
        "page": page,
        "rows": selectors.directory_rows(
            page.object_list, campaign, request.user, query=filters.get("q", "")
        ),
        "campaign": campaign,
        "campaigns": selectors.open_campaigns(),
    }
    return render(request, "requests_app/directory.html", context)


def service_detail(request, slug):
    try:
        service = selectors.service_for_page(slug)
    except PoliceService.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    regime = service.regime
    campaign = page_campaign(request)
    target = None
    if campaign:
        status = selectors.target_statuses(campaign, [service.pk]).get(
            service.pk, selectors.TargetStatus.UNCLAIMED
        )
        target = selectors.target_summary(campaign, service, request.user, status)
    context = {
        "service": service,
        "regime": regime,
        "rule_set": regime.rule_set_on(today),
        "upcoming_rule_sets": regime.upcoming_rule_sets(today),
        "filing_facts": service.filing_facts(),
        "sources": list(dict.fromkeys([*service.sources, *regime.sources])),
        "campaign": campaign,
        "campaigns": selectors.open_campaigns(),
        "target": target,
        # The directory's research notes (sources, what is unconfirmed) are for organizers.
        "sees_research_notes": is_organizer(request.user),
        "public_findings": selectors.public_findings(campaign).filter(police_service=service)
        if campaign
        else [],
        "public_releases": Release.objects.approved()
        .filter(request__police_service=service, request__campaign=campaign)
        .with_file(),
    }
    return render(request, "requests_app/service_detail.html", context)


def guide(request):
    today = timezone.localdate()
    form = WhichLawForm(request.GET or None)
    chosen = form.cleaned_data["service"] if form.is_valid() else None
    regimes = [
        {"regime": regime, "rule_set": regime.rule_set_on(today)}
        for regime in selectors.regimes_for_guide()
    ]
    context = {
        "form": form,
        "chosen": chosen,
        "chosen_rule_set": chosen.regime.rule_set_on(today) if chosen else None,
        "regimes": regimes,
        "routes": selectors.route_totals(),
    }
    return render(request, "requests_app/guide.html", context)
