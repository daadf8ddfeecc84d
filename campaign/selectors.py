"""Reads about a whole campaign for `/stats/`, the organizers' dashboard and their CSV files.

The figures are computed in SQL by the apps' selectors (a fixed number of queries, whatever
the number of services, requests or cameras), kept without words so that one cached copy
serves both languages, and cached until the data changes (`maps_app.cache`, whose version
every change to a claim, request, step, appeal, release or finding bumps). The organizers'
lists are read live: an organizer who acts wants to see it at once.
"""

from datetime import date
from types import SimpleNamespace

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from maps_app.cache import cached_value
from maps_app.models import CameraLocation
from maps_app.selectors import counters
from requests_app import selectors
from requests_app.choices import DayKind
from requests_app.models import Campaign, Province, Release, Stage, Vendor
from requests_app.models.directory import in_language, search_key
from requests_app.selectors import FUNNEL, Progress

# The coverage table's columns after the number of services, in the funnel's order.
COVERAGE_STEPS = [
    Progress.CLAIMED,
    Progress.FILED,
    Progress.AWAITING,
    Progress.OVERDUE,
    Progress.ANSWERED,
    Progress.RELEASED,
    Progress.APPEALED,
]
QUEUE_SHOWN = 10
# The organizers' lists show this many rows; the rest are in each list's CSV file.
LIST_SHOWN = 50


def figures(campaign: Campaign) -> dict:
    """The campaign's public figures, without words (codes and numbers), cached: coverage per
    province and in all, weekly filings and releases, answer times per law, findings by
    vendor and the map's headline counters. Only public facts go in: statuses and dated
    steps (public on every request's page), approved findings, approved real cameras."""

    def build():
        statuses = selectors.target_statuses(campaign)
        progress = selectors.target_progress(campaign, statuses)
        provinces = [
            {
                "province": row["province"],
                "services": row["services"],
                "steps": {step: row["progress"][step] for step in Progress},
            }
            for row in selectors.coverage_by_province(campaign, statuses, progress)
        ]
        return {
            "provinces": provinces,
            "totals": {
                "services": sum(row["services"] for row in provinces),
                "steps": {step: sum(row["steps"][step] for row in provinces) for step in Progress},
            },
            "weeks": selectors.weekly_activity(campaign, timezone.localdate()),
            "answer_times": selectors.answer_times(campaign),
            "vendors": selectors.findings_by_vendor(campaign),
            "findings": selectors.findings_totals(campaign),
            "counters": counters(campaign),
        }

    return cached_value("campaign-figures", {"campaign": campaign.pk}, build)


def _share(count: int, whole: int) -> float | None:
    return count / whole if whole else None


def coverage_table(figures: dict) -> dict:
    """The coverage table in the reader's language: a row per province or territory and a
    totals row, each step a count with its share of the services."""

    def row(name, services, steps):
        return {
            "name": name,
            "services": services,
            "cells": [(steps[step], _share(steps[step], services)) for step in COVERAGE_STEPS],
        }

    return {
        "columns": [step.label for step in COVERAGE_STEPS],
        # In the alphabetical order of the reader's language, accents aside.
        "rows": sorted(
            (
                {
                    "province": r["province"],
                    **row(Province(r["province"]).label, r["services"], r["steps"]),
                }
                for r in figures["provinces"]
            ),
            key=lambda r: search_key(str(r["name"])),
        ),
        "totals": row("", figures["totals"]["services"], figures["totals"]["steps"]),
    }


def funnel(figures: dict) -> list[dict]:
    """Unclaimed, then each step of the funnel: how many targets and their share."""
    services = figures["totals"]["services"]
    steps = figures["totals"]["steps"]
    rows = [
        {
            "label": selectors.TargetStatus.UNCLAIMED.label,
            "count": services - steps[Progress.CLAIMED],
        }
    ]
    rows += [{"label": step.label, "count": steps[step]} for step in FUNNEL]
    for row in rows:
        row["share"] = _share(row["count"], services)
    return rows


def answer_times_table(figures: dict) -> list[dict]:
    """Answer times per law, with the law's name in the reader's language (and whether that
    name is English on a French page) and its time limits in words."""
    french_page = get_language() == "fr"
    rows = []
    for row in figures["answer_times"]:
        rows.append(
            {
                **row,
                "name": in_language(SimpleNamespace(**row), "name_en"),
                # An official English name on a French page is marked lang="en".
                "name_lang": "en" if french_page and not row["name_fr"] else "",
                "province": Province(row["jurisdiction"]).label,
                "limits": [f"{days} {DayKind(kind).label}" for days, kind in row["limits"]],
                "on_time_share": _share(row["on_time"], row["with_due_date"]),
            }
        )
    return rows


def vendors_table(figures: dict) -> list[dict]:
    labels = dict(Vendor.choices)
    return [
        {**row, "label": labels.get(row["vendor"], row["vendor"])} for row in figures["vendors"]
    ]


def province_shares(figures: dict) -> dict[str, float | None]:
    """Per province or territory, the share of its police services covered (claimed)."""
    return {
        row["province"]: _share(row["steps"][Progress.CLAIMED], row["services"])
        for row in figures["provinces"]
    }


# --- The organizers' lists ------------------------------------------------------------------


def overdue_rows(campaign: Campaign, today: date, limit: int | None = None) -> list[dict]:
    """The overdue requests (the first `limit`), each with the claim of who holds the target
    now (None when nobody does) and how many days late it is."""
    overdue = list(selectors.overdue_requests(campaign, today)[:limit])
    holders = selectors.active_claims_of(campaign, {r.police_service_id for r in overdue})
    return [
        {
            "request": request,
            "claim": holders.get(request.police_service_id),
            "days_late": (today - request.due_on).days,
        }
        for request in overdue
    ]


def moderation_waiting(campaign: Campaign) -> dict:
    """What waits for an organizer's decision, oldest first: the campaign's releases, the
    camera locations of its kind (real, or the demo's) and the corrections to the directory
    (which every campaign shares)."""
    return {
        "corrections": selectors.corrections_pending().select_related(
            "police_service", "regime", "rule_set", "proposed_by"
        ),
        "releases": selectors.releases_to_moderate().filter(
            request__campaign=campaign, moderation=Release.Moderation.PENDING
        ),
        "cameras": CameraLocation.objects.filter(
            status=CameraLocation.Status.PENDING, is_demo=campaign.is_demo
        )
        .select_related("police_service", "submitted_by")
        .order_by("created_at", "pk"),
    }


def dashboard_lists(campaign: Campaign, today: date, user) -> dict:
    """What organizers act on: the overdue requests, the claims about to expire, the open
    appeals by stage, the calls for help (the first LIST_SHOWN of each, and how many in all:
    the rest are in each list's CSV file) and the moderation queues (releases, cameras,
    directory corrections: the oldest few of each, and how many wait)."""
    appeals = selectors.open_appeals(campaign)
    by_stage = dict(
        appeals.order_by()
        .values_list("stage")
        .annotate(count=Count("pk"))
        .values_list("stage", "count")
    )
    expiring = selectors.claims_needing_attention(campaign, today)
    help_wanted = selectors.help_wanted_rows(campaign, user, limit=LIST_SHOWN)
    waiting = moderation_waiting(campaign)
    return {
        "overdue": overdue_rows(campaign, today, limit=LIST_SHOWN),
        "overdue_count": selectors.overdue_requests(campaign, today).count(),
        "expiring": selectors.with_expiry(expiring[:LIST_SHOWN]),
        "expiring_count": expiring.count(),
        "appeals": list(appeals[:LIST_SHOWN]),
        "appeals_count": sum(by_stage.values()),
        "appeals_by_stage": [
            {"stage": label, "count": by_stage[stage]}
            for stage, label in Stage.choices
            if by_stage.get(stage)
        ],
        "help_wanted": help_wanted,
        "help_wanted_count": selectors.open_calls_for_help(campaign).count(),
        "releases": list(waiting["releases"][:QUEUE_SHOWN]),
        "releases_count": waiting["releases"].count(),
        "cameras": list(waiting["cameras"][:QUEUE_SHOWN]),
        "cameras_count": waiting["cameras"].count(),
        "corrections": list(waiting["corrections"][:QUEUE_SHOWN]),
        "corrections_count": waiting["corrections"].count(),
    }
