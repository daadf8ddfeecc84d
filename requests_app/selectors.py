"""Reads shared by pages, the API and exports."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessRegime,
    AccessRequest,
    Campaign,
    Claim,
    Finding,
    FindingField,
    PoliceService,
    RegimeRuleSet,
    Release,
    TargetActivity,
)
from .models.directory import search_key
from .models.requests import DECISION_STATUSES, RELEASE_STATUSES
from .roles import is_organizer


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


# --- Campaigns and claims ---------------------------------------------------------------


class TargetStatus:
    """Where a target stands in a campaign, as the directory and the map colour it."""

    UNCLAIMED = "unclaimed"
    CLAIMED = "claimed"
    FILED = "filed"
    OVERDUE = "overdue"
    RELEASED = "released"

    LABELS = {
        UNCLAIMED: _("Unclaimed"),
        CLAIMED: _("Claimed"),
        FILED: _("Request filed"),
        OVERDUE: _("Overdue"),
        RELEASED: _("Records released"),
    }


def default_campaign() -> Campaign | None:
    """The campaign pages show when none is chosen: the oldest open one (ALPR records)."""
    today = timezone.localdate()
    return Campaign.objects.open_on(today).order_by("starts_on", "pk").first()


def claims_without_filed_request() -> QuerySet[Claim]:
    """Active claims whose target has no filed request yet (candidates for expiry)."""
    filed = AccessRequest.objects.filed().filter(
        campaign=OuterRef("campaign"), police_service=OuterRef("police_service")
    )
    return Claim.objects.active().filter(~Exists(filed))


def target_statuses(campaign: Campaign, service_ids=None) -> dict[int, str]:
    """Status of each target of a campaign, keyed by police service id (unclaimed if absent)."""
    today = timezone.localdate()
    statuses: dict[int, str] = {}
    claims = Claim.objects.active().filter(campaign=campaign)
    requests = AccessRequest.objects.filed().filter(campaign=campaign)
    if service_ids is not None:
        claims = claims.filter(police_service_id__in=service_ids)
        requests = requests.filter(police_service_id__in=service_ids)
    for service_id in claims.values_list("police_service_id", flat=True):
        statuses[service_id] = TargetStatus.CLAIMED
    rank = [TargetStatus.CLAIMED, TargetStatus.FILED, TargetStatus.OVERDUE, TargetStatus.RELEASED]
    for request in requests.only("police_service_id", "status", "due_on"):
        if request.status in RELEASE_STATUSES or request.status in DECISION_STATUSES:
            status = (
                TargetStatus.RELEASED if request.status in RELEASE_STATUSES else TargetStatus.FILED
            )
        elif request.is_overdue(today):
            status = TargetStatus.OVERDUE
        else:
            status = TargetStatus.FILED
        current = statuses.get(request.police_service_id, TargetStatus.CLAIMED)
        if rank.index(status) >= rank.index(current):
            statuses[request.police_service_id] = status
    return statuses


def target_history(campaign: Campaign, service: PoliceService) -> QuerySet[TargetActivity]:
    return TargetActivity.objects.filter(campaign=campaign, police_service=service).select_related(
        "actor", "subject"
    )


@dataclass
class NextAction:
    text: str
    deadline: date | None
    overdue: bool = False


def next_action(claim: Claim, request: AccessRequest | None, today: date) -> NextAction:
    """What a volunteer should do next about a target, and by when."""
    if request is None or request.filed_on is None:
        return NextAction(
            _("Send the letter"), claim.expires_on(settings.CLAIM_STALE_DAYS), overdue=False
        )
    if request.status in RELEASE_STATUSES:
        return NextAction(_("Release received: record the findings"), None)
    if request.status in DECISION_STATUSES:
        return NextAction(_("Decision received: consider an appeal"), None)
    if request.is_overdue(today):
        return NextAction(_("Overdue: follow up or appeal"), request.due_on, overdue=True)
    if request.is_open():
        if request.due_on is None:
            return NextAction(_("Waiting for the answer (clock stopped)"), None)
        return NextAction(_("Waiting until the due date"), request.due_on)
    return NextAction(_("Nothing to do: the request is closed"), None)


def my_targets(user) -> list[dict]:
    """The volunteer's active claims (held or helped), each with its request and next action."""
    today = timezone.localdate()
    claims = (
        Claim.objects.involving(user)
        .select_related("campaign", "police_service", "police_service__regime")
        .order_by("claimed_at")
    )
    requests = {
        (r.campaign_id, r.police_service_id): r
        for r in AccessRequest.objects.filter(
            campaign__in={c.campaign_id for c in claims},
            police_service__in={c.police_service_id for c in claims},
        ).order_by("created_at")
    }
    rows = []
    for claim in claims:
        request = requests.get((claim.campaign_id, claim.police_service_id))
        rows.append(
            {
                "claim": claim,
                "request": request,
                "action": next_action(claim, request, today),
                "is_claimant": claim.volunteer_id == user.pk,
            }
        )
    return rows


def open_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.open_on(timezone.localdate()).order_by("starts_on", "pk")


def target_summary(campaign: Campaign, service: PoliceService, user) -> dict:
    """Everything the service page shows about one target, for this viewer."""
    claim = (
        Claim.objects.active()
        .filter(campaign=campaign, police_service=service)
        .select_related("volunteer")
        .first()
    )
    helpers = list(claim.helpers.select_related("volunteer")) if claim else []
    signed_in = user.is_authenticated
    return {
        "campaign": campaign,
        "claim": claim,
        "status": target_statuses(campaign, [service.pk]).get(service.pk, TargetStatus.UNCLAIMED),
        "accepted_helpers": [h for h in helpers if h.status == "accepted"],
        "pending_offers": [h for h in helpers if h.status == "offered"]
        if claim and signed_in and claim.volunteer_id == user.pk
        else [],
        "is_claimant": bool(claim and signed_in and claim.volunteer_id == user.pk),
        "is_helper": bool(
            signed_in and any(h.volunteer_id == user.pk for h in helpers if h.status == "accepted")
        ),
        "requests": AccessRequest.objects.visible_to(user)
        .filter(campaign=campaign, police_service=service)
        .order_by("-created_at"),
        "has_offered": bool(signed_in and any(h.volunteer_id == user.pk for h in helpers)),
        "history": target_history(campaign, service)[:50],
        # Why a claim ended can be personal: only the people on it and organizers read it.
        "sees_reasons": is_organizer(user)
        or bool(claim and signed_in and claim.is_worked_on_by(user)),
    }


# --- Organizers' dashboard ------------------------------------------------------------------


def coverage_by_province(campaign: Campaign) -> list[dict]:
    """Per province: active services and how many are claimed, filed, overdue or released."""
    statuses = target_statuses(campaign)
    rows: dict[str, dict] = {}
    for service_id, province in PoliceService.objects.filter(active=True).values_list(
        "pk", "province"
    ):
        row = rows.setdefault(
            province, {"province": province, "services": 0, **dict.fromkeys(TargetStatus.LABELS, 0)}
        )
        row["services"] += 1
        row[statuses.get(service_id, TargetStatus.UNCLAIMED)] += 1
    for row in rows.values():
        row["covered"] = row["services"] - row[TargetStatus.UNCLAIMED]
    return sorted(rows.values(), key=lambda row: row["province"])


def claims_needing_attention(campaign: Campaign, today: date) -> list[dict]:
    """Unfiled claims whose reminder is due or sent, oldest first, with their expiry day."""
    stale_days = settings.CLAIM_STALE_DAYS
    rows = []
    for claim in (
        claims_without_filed_request()
        .filter(campaign=campaign)
        .select_related("police_service", "volunteer")
        .order_by("claimed_at")
    ):
        if today >= claim.reminder_due_on(stale_days):
            rows.append({"claim": claim, "expires_on": claim.expires_on(stale_days)})
    return rows


def overdue_requests(campaign: Campaign, today: date) -> QuerySet[AccessRequest]:
    from .models.requests import OPEN_STATUSES

    return (
        AccessRequest.objects.filter(campaign=campaign, status__in=OPEN_STATUSES, due_on__lt=today)
        .select_related("police_service", "volunteer")
        .order_by("due_on")
    )


# --- Releases and findings ---------------------------------------------------------------------


def public_findings(campaign: Campaign | None = None) -> QuerySet[Finding]:
    """Findings whose cited release is approved for publication."""
    findings = Finding.objects.filter(release__moderation=Release.Moderation.APPROVED)
    if campaign is not None:
        findings = findings.filter(campaign=campaign)
    return findings.select_related("police_service", "release")


FINDING_COLUMNS = list(FindingField)


def findings_table(
    campaign: Campaign, *, province: str = "", vendor: str = "", sort: str = ""
) -> list[dict]:
    """One row per police service with public findings, each cell the finding itself."""
    rows: dict[int, dict] = {}
    for finding in public_findings(campaign):
        service = finding.police_service
        row = rows.setdefault(service.pk, {"service": service, "cells": {}})
        row["cells"][finding.field] = finding
    result = list(rows.values())
    if province:
        result = [r for r in result if r["service"].province == province]
    if vendor:
        result = [
            r
            for r in result
            if FindingField.VENDORS in r["cells"]
            and vendor in r["cells"][FindingField.VENDORS].value
        ]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key in FindingField.values:

        def sort_key(row):
            finding = row["cells"].get(key)
            value = finding.value if finding else None
            if isinstance(value, list):
                value = ",".join(value)
            return (value is None, value if value is not None else 0)

        result.sort(key=sort_key, reverse=descending)
        if descending:  # keep blanks last either way
            result.sort(key=lambda row: row["cells"].get(key) is None)
    else:
        result.sort(key=lambda row: (row["service"].province, row["service"].name_en))
    return result


def findings_totals(rows: list[dict]) -> dict:
    """Services with ALPR confirmed, cameras, vehicles and median retention."""
    from statistics import median

    def values(field):
        return [r["cells"][field].value for r in rows if field in r["cells"]]

    confirmed = [
        r
        for r in rows
        if r["cells"].get(FindingField.VENDORS)
        or any(
            (r["cells"].get(f) and r["cells"][f].value)
            for f in (FindingField.FIXED_CAMERAS, FindingField.MOBILE_UNITS)
        )
    ]
    hits = values(FindingField.RETENTION_HITS_DAYS)
    non_hits = values(FindingField.RETENTION_NON_HITS_DAYS)
    return {
        "services": len(rows),
        "alpr_confirmed": len(confirmed),
        "fixed_cameras": sum(values(FindingField.FIXED_CAMERAS)),
        "mobile_units": sum(values(FindingField.MOBILE_UNITS)),
        "median_retention_hits": median(hits) if hits else None,
        "median_retention_non_hits": median(non_hits) if non_hits else None,
    }


def releases_search(query: str) -> QuerySet[Release]:
    """Approved releases whose text matches; full-text search on PostgreSQL."""
    from django.db import connection

    releases = Release.objects.approved().select_related("stored", "request__police_service")
    query = query.strip()
    if not query:
        return releases.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return releases.annotate(search=SearchVector("stored__text", "title")).filter(
            search=SearchQuery(query, search_type="websearch")
        )
    for word in query.split():
        releases = releases.filter(stored__text__icontains=word)
    return releases
