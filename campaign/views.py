from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from maps_app.selectors import province_outlines
from requests_app import selectors
from requests_app.exports import csv_response
from requests_app.forms import ActivityFilterForm
from requests_app.roles import is_organizer
from requests_app.views.common import page_campaign

from . import charts, exports
from . import selectors as campaign_selectors
from .health import health_report


def home(request):
    # The embedded map carries the campaign's counters.
    return render(request, "campaign/home.html")


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def _figures_context(campaign) -> dict:
    """The figures `/stats/` and the dashboard both show, with their charts, in the reader's
    language (the figures themselves are cached, without words)."""
    figures = campaign_selectors.figures(campaign)
    funnel = campaign_selectors.funnel(figures)
    answer_times = campaign_selectors.answer_times_table(figures)
    weeks = figures["weeks"]
    return {
        "figures": figures,
        "coverage": campaign_selectors.coverage_table(figures),
        "funnel": funnel,
        "funnel_chart": charts.funnel_chart(funnel),
        "weeks": weeks,
        "filed_chart": charts.week_chart(
            [(week, filed) for week, filed, _released in weeks], what=_("Requests filed")
        ),
        "released_chart": charts.week_chart(
            [(week, released) for week, _filed, released in weeks], what=_("Releases received")
        ),
        "answer_times": answer_times,
        "answer_times_chart": charts.answer_times_chart(answer_times),
    }


def stats(request):
    """Public: the campaign's coverage and outcomes, by province, over time and by law; the
    map of provinces by share covered; what the records say about vendors."""
    campaign = page_campaign(request)
    context = {"campaign": campaign, "campaigns": selectors.open_campaigns()}
    if campaign:
        context.update(_figures_context(campaign))
        figures = context["figures"]
        names = {row["province"]: row["name"] for row in context["coverage"]["rows"]}
        context.update(
            vendors=campaign_selectors.vendors_table(figures),
            choropleth=charts.choropleth(
                province_outlines(), campaign_selectors.province_shares(figures), names
            ),
            tables=exports.PUBLIC_TABLES,
        )
    return render(request, "campaign/stats.html", context)


@require_GET
def stats_csv(request, table):
    """Public: one table of `/stats/` as CSV."""
    return _csv(request, exports.PUBLIC_TABLES, table)


def _csv(request, tables, table):
    if table not in tables:
        raise Http404
    campaign = page_campaign(request)
    if campaign is None:
        raise Http404
    header, rows = tables[table](
        campaign, timezone.localdate(), request.build_absolute_uri("/")[:-1]
    )
    return csv_response(f"{campaign.slug}-{table}.csv", header, rows)


@login_required
def dashboard(request):
    """Organizers: the campaign's figures, and the lists to act on."""
    if not is_organizer(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    campaign = page_campaign(request)
    context = {"campaign": campaign, "campaigns": selectors.open_campaigns(), "today": today}
    if campaign:
        context.update(
            _figures_context(campaign),
            lists=campaign_selectors.dashboard_lists(campaign, today, request.user),
        )
    return render(request, "campaign/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request, table):
    """Organizers: any table of the dashboard, or all requests, claims or appeals, as CSV."""
    if not is_organizer(request.user):
        raise PermissionDenied
    return _csv(request, exports.ORGANIZER_TABLES, table)


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
