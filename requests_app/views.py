from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .forms import DirectoryFilterForm, WhichLawForm
from .models import PoliceService


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    services = selectors.directory_services(
        province=filters.get("province", ""),
        kind=filters.get("kind", ""),
        query=filters.get("q", ""),
    )
    return render(request, "requests_app/directory.html", {"form": form, "services": services})


def service_detail(request, slug):
    try:
        service = selectors.service_for_page(slug)
    except PoliceService.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    regime = service.regime
    context = {
        "service": service,
        "regime": regime,
        "rule_set": regime.rule_set_on(today),
        "upcoming_rule_sets": regime.upcoming_rule_sets(today),
        "filing_facts": service.filing_facts(),
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
    }
    return render(request, "requests_app/guide.html", context)
