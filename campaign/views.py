from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from requests_app import selectors
from requests_app.forms import ActivityFilterForm
from requests_app.roles import is_organizer
from requests_app.views.common import page_campaign

from .health import health_report


def home(request):
    # The embedded map carries the campaign's counters.
    return render(request, "campaign/home.html")


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
def dashboard(request):
    """Organizers: coverage, claims about to expire, overdue requests."""
    if not is_organizer(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    campaign = page_campaign(request)
    context = {"campaign": campaign, "campaigns": selectors.open_campaigns(), "today": today}
    if campaign:
        coverage = selectors.coverage_by_province(campaign)
        context.update(
            coverage=coverage,
            totals={
                key: sum(row[key] for row in coverage)
                for key in ["services", "covered", *selectors.TargetStatus.values]
            },
            attention=selectors.claims_needing_attention(campaign, today),
            overdue=selectors.overdue_requests(campaign, today),
            statuses=selectors.TargetStatus.choices,
        )
    return render(request, "campaign/dashboard.html", context)


@login_required
def activity(request):
    """Organizers: what happened across the campaign, filtered by province, kind and person."""
    if not is_organizer(request.user):
        raise PermissionDenied
    campaign = page_campaign(request)
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = (
        selectors.activity_feed(
            campaign,
            province=filters.get("province", ""),
            kind=filters.get("kind", ""),
            person=filters.get("person"),
        )
        if campaign
        else []
    )
    context = {
        "campaign": campaign,
        "campaigns": selectors.open_campaigns(),
        "form": form,
        "rows": rows,
        "limit": selectors.ACTIVITY_LIMIT,
    }
    return render(request, "campaign/activity.html", context)
