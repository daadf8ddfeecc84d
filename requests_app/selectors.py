"""Reads shared by pages, the API and exports."""

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, TruncWeek
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessRegime,
    AccessRequest,
    Appeal,
    AppealEvent,
    Campaign,
    Claim,
    ClaimHelper,
    Comment,
    Correction,
    Finding,
    FindingField,
    HelpWanted,
    Municipality,
    PoliceService,
    RegimeRuleSet,
    Release,
    RequestEvent,
    RouteStatus,
    TargetActivity,
    Visibility,
    Watch,
)
from .models.appeals import Outcome, Stage
from .models.directory import Province, in_language, search_key
from .models.requests import DECISION_STATUSES, RELEASE_STATUSES
from .roles import is_organizer


def of_campaign(rows: QuerySet, campaign: Campaign) -> QuerySet:
    """These rows (appeals, calls for help: each of one request, and few) among the
    campaign's, each checked on its own request. Joined to the requests instead, SQLite,
    which keeps no statistics, reads every request of the campaign to find the few rows."""
    return rows.filter(
        Exists(AccessRequest.objects.filter(pk=OuterRef("request_id"), campaign=campaign))
    )


def _search_words(query: str) -> list[str]:
    """The words a search looks for; a hyphen separates words, so "Dollard-des-Ormeaux"
    finds "Dollard-Des Ormeaux"."""
    return search_key(query).replace("-", " ").split()


def provinces_named(query: str) -> list[str]:
    """The province codes whose English or French name (or code) is the query, accents and
    case aside: "Quebec" and "Québec" both name QC."""
    key = " ".join(search_key(query).split())
    if not key:
        return []
    codes = []
    for code, label in Province.choices:
        with translation.override("fr"):
            french = str(label)
        with translation.override("en"):
            english = str(label)
        if key in (code.lower(), search_key(english), search_key(french)):
            codes.append(code)
    return codes


def municipalities_matching(query: str) -> QuerySet[Municipality]:
    """Municipalities whose name holds every word of the query, accents and case aside."""
    words = _search_words(query)
    if not words:
        return Municipality.objects.none()
    found = Municipality.objects.all()
    for word in words:
        found = found.filter(search_text__contains=word)
    return found


def directory_services(
    *, province: str = "", kind: str = "", query: str = ""
) -> QuerySet[PoliceService]:
    """Active police services for the public directory, filtered as asked. The query finds
    a service by its names and headquarters city, by a municipality it polices ("Cambridge"
    finds Waterloo Regional Police), or by a province's name in either language."""
    services = PoliceService.objects.filter(active=True).select_related("regime")
    if province:
        services = services.filter(province=province)
    if kind:
        services = services.filter(kind=kind)
    words = _search_words(query)
    if words:
        named = Q()
        for word in words:
            named &= Q(search_text__contains=word)
        services = services.filter(
            named
            | Q(pk__in=municipalities_matching(query).values("policed_by"))
            | Q(province__in=provinces_named(query))
        )
    return services.order_by("province", "name_en")


def places_policed(services, query: str) -> dict[int, list[str]]:
    """For the directory's rows: the municipalities matching the query that each service
    polices, so the page says why a service came up."""
    ids = [service.pk for service in services]
    places: dict[int, list[str]] = {}
    for municipality in municipalities_matching(query).filter(policed_by__in=ids):
        places.setdefault(municipality.policed_by_id, []).append(municipality.display_name)
    return places


def directory_rows(services, campaign: Campaign | None, user, query: str = "") -> list[dict]:
    """The directory's rows: each service with its status in the campaign, whether this
    viewer may claim it from the list, and the searched municipalities it polices."""
    services = list(services)
    ids = [service.pk for service in services]
    statuses = target_statuses(campaign, ids) if campaign else {}
    places = places_policed(services, query) if query else {}
    appeals = appeal_states(campaign, ids) if campaign else {}
    labels = dict(TargetStatus.choices)
    rows = []
    for service in services:
        status = statuses.get(service.pk, TargetStatus.UNCLAIMED)
        rows.append(
            {
                "service": service,
                "status": status,
                "status_label": labels[status],
                "appeal": appeal_words(appeals.get(service.pk)),
                "may_claim": user.is_authenticated and status == TargetStatus.UNCLAIMED,
                "places": places.get(service.pk, []),
            }
        )
    return rows


def service_for_page(slug: str) -> PoliceService:
    return (
        PoliceService.objects.select_related("regime", "parent")
        .prefetch_related(
            "regime__rule_sets",
            "divisions",
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
        )
        .get(slug=slug)
    )


def route_totals() -> dict:
    """How many active services have each route status: the guide's and the README's totals."""
    counts = dict.fromkeys(RouteStatus, 0)
    for service in PoliceService.objects.filter(active=True).only(
        *PoliceService.ROUTE_FACTS, *[f"{name}_source" for name in PoliceService.ROUTE_FACTS]
    ):
        counts[service.route_status()] += 1
    return {
        "services": sum(counts.values()),
        "confirmed": counts[RouteStatus.CONFIRMED],
        "by_status": [(status.label, counts[status]) for status in RouteStatus],
    }


def filing_guidance(service: PoliceService) -> dict:
    """What the letter page tells a volunteer about where to send the request: the confirmed
    routes, and when there is none, what to do instead (the service's website and main
    address where known, the FOI coordinator, and the law's rule on where requests go)."""
    status = service.route_status()
    regime = service.regime
    confirmed = service.confirmed_routes()
    route_facts = [f for f in service.filing_facts() if f["name"] in service.ROUTE_FACTS]
    return {
        "status": status,
        "status_label": status.label,
        "has_route": status == RouteStatus.CONFIRMED,
        # The letter page offers to write to the e-mail address only when it is confirmed.
        "email_confirmed": "foi_email" in confirmed,
        "routes": [f for f in route_facts if f["name"] in confirmed],
        # Recorded but not usable as they are: unconfirmed, or an address missing its code.
        "leads": [f for f in route_facts if f["known"] and f["name"] not in confirmed],
        "website": service.website,
        "main_address": ", ".join(
            part for part in (service.hq_city, service.get_province_display()) if part
        ),
        "law": regime.name,
        "requests_go_to": regime.requests_go_to,
        "applies_to": in_language(regime, "applies_to"),
    }


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


class TargetStatus(models.TextChoices):
    """Where a target stands in a campaign, as the directory and the map colour it,
    from least to most advanced."""

    UNCLAIMED = "unclaimed", _("Unclaimed")
    CLAIMED = "claimed", _("Claimed")
    FILED = "filed", _("Request filed")
    OVERDUE = "overdue", _("Overdue")
    RELEASED = "released", _("Records released")
    APPEALED = "appealed", _("Appealed")


# `AccessRequestQuerySet.target_rank` in TargetStatus terms.
_RANKED = {
    2: TargetStatus.FILED,
    3: TargetStatus.OVERDUE,
    4: TargetStatus.RELEASED,
    5: TargetStatus.APPEALED,
}


def appeal_states(campaign: Campaign, service_ids=None) -> dict[int, tuple[str, str]]:
    """Per police service, its latest appeal's (stage, outcome) codes, for appealed targets."""
    appeals = Appeal.objects.taken().filter(request__campaign=campaign).order_by("opened_at")
    if service_ids is not None:
        appeals = appeals.filter(request__police_service_id__in=service_ids)
    return {
        service_id: (stage, outcome)
        for service_id, stage, outcome in appeals.values_list(
            "request__police_service_id", "stage", "outcome"
        )
    }


def appeal_words(state: tuple[str, str] | None) -> str:
    """ "Mediation", or "Order or report issued · Records partly released"."""
    if not state:
        return ""
    stage, outcome = state
    words = str(Stage(stage).label)
    return f"{words} · {Outcome(outcome).label}" if outcome else words


def is_covered(status: str) -> bool:
    """A target counts as covered once someone has claimed it."""
    return status != TargetStatus.UNCLAIMED


class Progress(models.TextChoices):
    """The steps a target has reached in a campaign, each counted once reached (the funnel
    and the coverage table), where `TargetStatus` says where it stands now."""

    CLAIMED = "claimed", _("Claimed")
    FILED = "filed", _("Filed")
    AWAITING = "awaiting", _("Awaiting an answer")
    OVERDUE = "overdue", _("Overdue")
    ANSWERED = "answered", _("Answered")
    RELEASED = "released", _("Records released")
    APPEALED = "appealed", _("Appealed")


# The campaign funnel, after "unclaimed": each step a subset of the one before.
FUNNEL = [Progress.CLAIMED, Progress.FILED, Progress.ANSWERED, Progress.RELEASED, Progress.APPEALED]
# `AccessRequestQuerySet.progress` columns in Progress terms.
_PROGRESS_COLUMNS = {
    Progress.AWAITING: "awaiting",
    Progress.OVERDUE: "overdue_now",
    Progress.ANSWERED: "answered",
    Progress.RELEASED: "released",
    Progress.APPEALED: "appealed",
}


def target_progress(campaign: Campaign, statuses: dict | None = None) -> dict[int, set[str]]:
    """The steps each target of a campaign has reached, keyed by police service id (none
    if absent): claimed once covered (`is_covered`), filed once a request is, and the
    request steps of `AccessRequestQuerySet.progress`; one grouped query besides
    `statuses` (`target_statuses`, read when not given)."""
    if statuses is None:
        statuses = target_statuses(campaign)
    reached = {pk: {Progress.CLAIMED} for pk, status in statuses.items() if is_covered(status)}
    rows = (
        AccessRequest.objects.filed()
        .filter(campaign=campaign)
        .progress(timezone.localdate())
        .order_by()
        .values("police_service_id")
        .annotate(**{f"top_{step}": Max(column) for step, column in _PROGRESS_COLUMNS.items()})
        .values_list("police_service_id", *[f"top_{step}" for step in _PROGRESS_COLUMNS])
    )
    for service_id, *flags in rows:
        steps = reached.setdefault(service_id, {Progress.CLAIMED})
        steps.add(Progress.FILED)
        steps.update(step for step, flag in zip(_PROGRESS_COLUMNS, flags, strict=True) if flag)
    return reached


def default_campaign() -> Campaign | None:
    """The campaign pages show when none is chosen: the oldest open real one (ALPR
    records). The demo campaign shows only when chosen."""
    return open_campaigns().real().first()


def chosen_campaign(slug: str = "") -> Campaign | None:
    """The open campaign a page's address names (`?campaign=`), or the default one.

    Raises Campaign.DoesNotExist for a slug that names no open campaign."""
    if slug:
        return open_campaigns().get(slug=slug)
    return default_campaign()


def claims_without_filed_request() -> QuerySet[Claim]:
    """Active claims whose target has no filed request yet (candidates for expiry)."""
    filed = AccessRequest.objects.filed().filter(
        campaign=OuterRef("campaign"), police_service=OuterRef("police_service")
    )
    return Claim.objects.active().filter(~Exists(filed))


def target_statuses(campaign: Campaign, service_ids=None) -> dict[int, str]:
    """Status of each target of a campaign, keyed by police service id (unclaimed if
    absent), in two grouped queries."""
    today = timezone.localdate()
    claims = Claim.objects.active().filter(campaign=campaign)
    requests = AccessRequest.objects.filed().filter(campaign=campaign)
    if service_ids is not None:
        claims = claims.filter(police_service_id__in=service_ids)
        requests = requests.filter(police_service_id__in=service_ids)
    statuses = dict.fromkeys(
        claims.values_list("police_service_id", flat=True), TargetStatus.CLAIMED
    )
    ranks = (
        requests.target_rank(today)
        .order_by()
        .values("police_service_id")
        .annotate(top=Max("rank"))
        .values_list("police_service_id", "top")
    )
    for service_id, rank in ranks:
        statuses[service_id] = _RANKED[rank]
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
    """Open campaigns, the real ones first (the campaign switcher's order)."""
    return Campaign.objects.open_on(timezone.localdate()).order_by("is_demo", "starts_on", "pk")


def target_summary(campaign: Campaign, service: PoliceService, user, status: str) -> dict:
    """Everything the service page shows about one target, and what this viewer may do
    there (the template decides nothing)."""
    claim = (
        Claim.objects.active()
        .for_target(campaign, service)
        .with_team()
        .prefetch_related("helpers")
        .first()
    )
    organizer = is_organizer(user)
    on_team = bool(claim and claim.is_worked_on_by(user))
    is_claimant = bool(claim and user.is_authenticated and claim.volunteer_id == user.pk)
    helpers = list(claim.helpers.all()) if claim else []
    return {
        "campaign": campaign,
        "claim": claim,
        "status": status,
        "status_label": TargetStatus(status).label,
        "appeal": appeal_words(appeal_states(campaign, [service.pk]).get(service.pk)),
        "accepted_helpers": [h for h in helpers if h.status == ClaimHelper.Status.ACCEPTED],
        "pending_offers": [h for h in helpers if h.status == ClaimHelper.Status.OFFERED]
        if is_claimant
        else [],
        "is_claimant": is_claimant,
        "requests": AccessRequest.objects.visible_to(user)
        .for_target(campaign, service)
        .order_by("-created_at"),
        "history": target_history(campaign, service)[:50],
        "may_claim": user.is_authenticated and claim is None and service.active,
        "may_write": on_team or (organizer and claim is not None),
        "may_release": bool(claim and claim.can_be_released_by(user)),
        "may_offer_help": bool(claim and claim.can_be_offered_help_by(user)),
        "may_reassign": bool(claim and organizer),
        # Why a claim ended can be personal: only the people on it and organizers read it.
        "sees_reasons": organizer or on_team,
    }


# --- Organizers' dashboard ------------------------------------------------------------------


def coverage_by_province(
    campaign: Campaign | None, statuses: dict | None = None, progress: dict | None = None
) -> list[dict]:
    """Per province: active services, how many are covered, and how many in each status
    (`statuses` when the caller has them already); with `progress` (`target_progress`),
    also how many reached each step, under "progress"."""
    if statuses is None:
        statuses = target_statuses(campaign) if campaign else {}
    rows: dict[str, dict] = {}
    for service_id, province in PoliceService.objects.filter(active=True).values_list(
        "pk", "province"
    ):
        row = rows.get(province)
        if row is None:  # once per province, not per service
            row = rows[province] = {
                "province": province,
                "services": 0,
                "covered": 0,
                **dict.fromkeys(TargetStatus, 0),
                "progress": dict.fromkeys(Progress, 0),
            }
        status = statuses.get(service_id, TargetStatus.UNCLAIMED)
        row["services"] += 1
        row[status] += 1
        row["covered"] += is_covered(status)
        for step in progress.get(service_id, ()) if progress else ():
            row["progress"][step] += 1
    for row in rows.values():
        row["name"] = Province(row["province"]).label
        row["counts"] = [row[status] for status in TargetStatus]
    return sorted(rows.values(), key=lambda row: row["province"])


def claims_needing_attention(campaign: Campaign, today: date) -> QuerySet[Claim]:
    """Unfiled claims whose reminder is due or sent, oldest first."""
    return (
        claims_without_filed_request()
        .filter(campaign=campaign)
        .reminder_due(today, settings.CLAIM_STALE_DAYS)
        .select_related("police_service", "volunteer")
        .order_by("claimed_at", "pk")
    )


def with_expiry(claims) -> list[dict]:
    """Each claim with the day it is released if its target stays unfiled."""
    stale_days = settings.CLAIM_STALE_DAYS
    return [{"claim": claim, "expires_on": claim.expires_on(stale_days)} for claim in claims]


def overdue_requests(campaign: Campaign, today: date) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.overdue(today)
        .filter(campaign=campaign)
        .select_related("police_service", "volunteer")
        .order_by("due_on")
    )


def active_claims_of(campaign: Campaign, service_ids) -> dict[int, Claim]:
    """The active claim of each of these targets, with its claimant, keyed by service id."""
    claims = Claim.objects.active().filter(campaign=campaign, police_service__in=service_ids)
    return {claim.police_service_id: claim for claim in claims.select_related("volunteer")}


def open_appeals(campaign: Campaign) -> QuerySet[Appeal]:
    """The campaign's appeals still going, by stage (in the order of the stages) and last day
    to file."""
    order = models.Case(
        *[models.When(stage=stage, then=index) for index, stage in enumerate(Stage)],
        output_field=models.IntegerField(),
    )
    return (
        of_campaign(Appeal.objects.open(), campaign)
        .select_related("request__police_service", "request__volunteer")
        .order_by(order, "file_by", "pk")
    )


WEEKS_SHOWN = 52


def weekly_activity(campaign: Campaign, today: date) -> list[tuple[date, int, int]]:
    """Requests filed and releases received (release steps, dated) per week, each week
    starting on Monday, from the campaign's first week (or an earlier filing's) to this one,
    the latest WEEKS_SHOWN at most: (monday, filed, released), in two grouped queries."""

    def per_week(queryset, day_field):
        return dict(
            queryset.annotate(week=TruncWeek(day_field))
            .order_by()
            .values("week")
            .annotate(count=Count("pk"))
            .values_list("week", "count")
        )

    filed = per_week(AccessRequest.objects.filed().filter(campaign=campaign), "filed_on")
    released = per_week(
        RequestEvent.objects.filter(request__campaign=campaign, status__in=RELEASE_STATUSES),
        "occurred_on",
    )
    this_week = today - timedelta(days=today.weekday())
    first = min([campaign.starts_on - timedelta(days=campaign.starts_on.weekday()), *filed])
    first = max(first, this_week - timedelta(weeks=WEEKS_SHOWN - 1))
    weeks = []
    week = first
    while week <= this_week:
        weeks.append((week, filed.get(week, 0), released.get(week, 0)))
        week += timedelta(weeks=1)
    return weeks


def answer_times(campaign: Campaign) -> list[dict]:
    """Per law, the campaign's answered requests: how many, the median days from receipt
    to the first decision, the median days the law allowed (to each request's due date,
    with its extensions) and how many were answered by their due date (`is_overdue`'s
    rule); in one query. Ordered by jurisdiction and law."""
    from .deadlines import is_overdue

    regime_fields = {
        "code": "regime__code",
        "short_name": "regime__short_name",
        "name_en": "regime__name_en",
        "name_fr": "regime__name_fr",
        "jurisdiction": "regime__jurisdiction",
    }
    answered = (
        AccessRequest.objects.filed()
        .filter(campaign=campaign)
        .annotate(
            answered_on=Min("events__occurred_on", filter=Q(events__status__in=DECISION_STATUSES))
        )
        .filter(answered_on__isnull=False)
        .order_by()
        .values(
            "regime_id",
            *regime_fields.values(),
            "received_on",
            "filed_on",
            "answered_on",
            "due_on",
            "response_days",
            "day_kind",
        )
    )
    regimes: dict[int, dict] = {}
    for request in answered:
        row = regimes.setdefault(
            request["regime_id"],
            {
                **{key: request[field] for key, field in regime_fields.items()},
                "days": [],
                "allowed": [],
                "on_time": 0,
                "limits": set(),
            },
        )
        start, due = request["received_on"] or request["filed_on"], request["due_on"]
        row["days"].append((request["answered_on"] - start).days)
        if due is not None:
            row["allowed"].append((due - start).days)
            row["on_time"] += not is_overdue(due, request["answered_on"])
        if request["response_days"] and request["day_kind"]:
            row["limits"].add((request["response_days"], request["day_kind"]))
    result = []
    for row in regimes.values():
        days, allowed = row.pop("days"), row.pop("allowed")
        row.update(
            answered=len(days),
            with_due_date=len(allowed),
            median_days=median(days),
            median_allowed=median(allowed) if allowed else None,
            limits=sorted(row["limits"]),
        )
        result.append(row)
    return sorted(result, key=lambda row: (row["jurisdiction"], row["code"]))


# --- Releases and findings ---------------------------------------------------------------------


def public_findings(campaign: Campaign | None = None) -> QuerySet[Finding]:
    """Findings whose cited release is approved for publication."""
    findings = Finding.objects.filter(release__moderation=Release.Moderation.APPROVED)
    if campaign is not None:
        findings = findings.filter(campaign=campaign)
    return findings.select_related("police_service", "release")


FINDING_COLUMNS = list(FindingField)
# Services per query when the findings CSV is written.
CSV_BATCH = 500


def findings_services(
    campaign: Campaign, *, province: str = "", vendor: str = "", sort: str = ""
) -> QuerySet[PoliceService]:
    """The police services with public findings, as the findings table lists them: in a
    province, naming a vendor, sorted by a fact's value (`sort`, "-" first for the largest
    first; blanks last either way, ties by name), else by province and name. In SQL, so a
    page of the table reads only its own rows."""
    published = public_findings(campaign).filter(police_service=OuterRef("pk"))
    services = PoliceService.objects.filter(Exists(published))
    if province:
        services = services.filter(province=province)
    if vendor:
        # The vendors fact is a ;-separated list: the vendor is one of its items.
        listed = published.filter(field=FindingField.VENDORS).annotate(
            items=Concat(Value(";"), "text", Value(";"), output_field=models.TextField())
        )
        services = services.filter(Exists(listed.filter(items__contains=f";{vendor};")))
    key = sort.lstrip("-")
    if key not in FindingField.values:
        return services.order_by("province", "name_en")
    value = published.filter(field=key).values(Finding.value_column(key))[:1]
    sorted_by = F("sorted_by")
    first = (
        sorted_by.desc(nulls_last=True) if sort.startswith("-") else sorted_by.asc(nulls_last=True)
    )
    return services.annotate(sorted_by=Subquery(value)).order_by(first, "name_en", "pk")


def findings_rows(campaign: Campaign, services) -> list[dict]:
    """The findings table's rows for these services (a page of `findings_services`), in their
    order: each service and its facts in FINDING_COLUMNS order, each the words shown and the
    address of the release page it comes from (`words`, `url`), or None."""
    services = list(services)
    release_url = Release.url_pattern()  # one reverse() for the whole table
    facts: dict[int, dict[str, dict]] = {pk: {} for pk in [s.pk for s in services]}
    for service_id, field, number, day, text, release_id, page in (
        public_findings(campaign)
        .filter(police_service__in=services)
        .values_list("police_service_id", "field", "number", "day", "text", "release_id", "page")
    ):
        facts[service_id][field] = {
            "words": Finding.words_for(field, Finding.value_of(field, number, day, text)),
            "url": Finding.cited_at(release_url.format(pk=release_id), page),
        }
    return [
        {
            "service": service,
            "cells": [facts[service.pk].get(column.value) for column in FINDING_COLUMNS],
        }
        for service in services
    ]


def findings_totals(
    campaign: Campaign, *, province: str = "", vendor: str = "", listed_count: int | None = None
) -> dict:
    """Over the services with public findings (those `findings_services` lists with these
    filters; `listed_count`, how many, when the caller has counted them): how many, those
    with ALPR confirmed, cameras, vehicles and median retention."""
    listed = findings_services(campaign, province=province, vendor=vendor)
    # Added up in SQL (one finding per service and fact): the page shows them at every
    # request, and reading every finding grew with the campaign.
    findings = public_findings(campaign).select_related(None).order_by()
    if province or vendor:  # unfiltered, every public finding is of a listed service
        findings = findings.filter(police_service__in=listed.order_by().values("pk"))
    counted = {FindingField.FIXED_CAMERAS: 0, FindingField.MOBILE_UNITS: 0}
    retention: dict[str, list[int]] = {
        FindingField.RETENTION_HITS_DAYS: [],
        FindingField.RETENTION_NON_HITS_DAYS: [],
    }
    numbers = (
        findings.filter(field__in=[*counted, *retention], number__isnull=False)
        .values("field", "number")
        .annotate(n=Count("pk"))
        .values_list("field", "number", "n")
    )
    for field, number, n in numbers:  # each number once per fact, with how many gave it
        if field in counted:
            counted[field] += number * n
        else:
            retention[field] += [int(number)] * n
    confirmed = (
        findings.filter(
            Q(field=FindingField.VENDORS)
            | (Q(field__in=list(counted), number__isnull=False) & ~Q(number=0))
        )
        .values("police_service_id")
        .distinct()
        .count()
    )
    hits = retention[FindingField.RETENTION_HITS_DAYS]
    non_hits = retention[FindingField.RETENTION_NON_HITS_DAYS]
    return {
        "services": listed.count() if listed_count is None else listed_count,
        "alpr_confirmed": confirmed,
        "fixed_cameras": int(counted[FindingField.FIXED_CAMERAS]),
        "mobile_units": int(counted[FindingField.MOBILE_UNITS]),
        "median_retention_hits": median(hits) if hits else None,
        "median_retention_non_hits": median(non_hits) if non_hits else None,
    }


def findings_by_vendor(campaign: Campaign) -> list[dict]:
    """Per vendor named in public findings: how many services use it, and their fixed
    cameras and mobile units (a service naming two vendors counts for both); most used
    first."""
    wanted = [FindingField.VENDORS, FindingField.FIXED_CAMERAS, FindingField.MOBILE_UNITS]
    services: dict[int, dict] = {}
    for finding in public_findings(campaign).filter(field__in=wanted):
        services.setdefault(finding.police_service_id, {})[finding.field] = finding.value
    vendors: dict[str, dict] = {}
    for facts in services.values():
        for vendor in facts.get(FindingField.VENDORS) or []:
            row = vendors.setdefault(
                vendor, {"vendor": vendor, "services": 0, "fixed_cameras": 0, "mobile_units": 0}
            )
            row["services"] += 1
            row["fixed_cameras"] += facts.get(FindingField.FIXED_CAMERAS) or 0
            row["mobile_units"] += facts.get(FindingField.MOBILE_UNITS) or 0
    return sorted(vendors.values(), key=lambda row: (-row["services"], row["vendor"]))


def findings_csv(campaign: Campaign | None, *, base_url: str) -> tuple[list[str], list[list]]:
    """The public findings table as CSV: one row per service, each fact with its source."""
    columns = FINDING_COLUMNS
    header = [
        "campaign",
        "police_service",
        "slug",
        "province",
        *[f for column in columns for f in (column.value, f"{column.value}_source")],
    ]

    def rows():
        services = findings_services(campaign)
        # A few hundred services at a time: the file holds them all, the memory a batch.
        for start in range(0, services.count(), CSV_BATCH):
            for row in findings_rows(campaign, services[start : start + CSV_BATCH]):
                service = row["service"]
                cells = []
                for cell in row["cells"]:
                    cells += [cell["words"], base_url + cell["url"]] if cell else ["", ""]
                yield [campaign.slug, service.name_en, service.slug, service.province, *cells]

    return header, rows() if campaign else []


def release_permissions(release: Release, user) -> dict:
    """What this viewer may do on a release's page."""
    works_on = release.request.is_open_to(user)  # its team, and organizers
    return {
        "moderate": is_organizer(user),
        "record_findings": works_on,
        "see_decisions": works_on,
        # A file's own name can carry personal names.
        "see_file_name": works_on,
    }


def releases_to_moderate() -> QuerySet[Release]:
    return (
        Release.objects.exclude(moderation=Release.Moderation.APPROVED)
        .with_file()
        .select_related("request__police_service", "uploaded_by")
        .order_by("uploaded_at")
    )


def releases_search(query: str) -> QuerySet[Release]:
    """Approved releases whose text matches; full-text search on PostgreSQL."""
    from django.db import connection

    releases = Release.objects.approved().with_file().select_related("request__police_service")
    query = query.strip()
    if not query:
        return releases.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # alias, not annotate: the vector is computed to filter, never sent back.
        return releases.alias(search=SearchVector("stored__text", "title")).filter(
            search=SearchQuery(query, search_type="websearch")
        )
    for word in query.split():
        releases = releases.filter(stored__text__icontains=word)
    return releases


# --- Corrections from the field ------------------------------------------------------------


def corrections_visible_to(user) -> QuerySet[Correction]:
    """Organizers see every correction; a volunteer sees their own; others none."""
    corrections = Correction.objects.select_related(
        "police_service", "regime", "rule_set__regime", "proposed_by", "decided_by"
    )
    if is_organizer(user):
        return corrections
    if user.is_authenticated:
        return corrections.filter(proposed_by=user)
    return corrections.none()


def corrections_pending() -> QuerySet[Correction]:
    """Corrections waiting for an organizer, oldest first."""
    return Correction.objects.filter(status=Correction.Status.PENDING).order_by("proposed_at", "pk")


def corrections_to_review() -> list[dict]:
    """The organizers' queue, oldest first: each pending correction beside the value on
    record now (which may have changed since it was proposed)."""
    pending = corrections_pending().select_related(
        "police_service__regime", "regime", "rule_set__regime", "proposed_by"
    )
    from .directory_csv import _cell

    return [{"correction": c, "value_now": _cell(getattr(c.corrected, c.field))} for c in pending]


# --- Coordination ---------------------------------------------------------------------------


def coordination_panel(subject: AccessRequest | Appeal, user) -> dict:
    """What the comments panel of a request or an appeal shows this viewer and lets them
    do: the request's team and organizers read and write every comment; everyone else
    reads the public ones."""
    if isinstance(subject, Appeal):
        access_request, appeal, own = subject.request, subject, {"appeal": subject}
    else:
        access_request, appeal, own = subject, None, {"request": subject}
    on_team = access_request.is_open_to(user)
    comments = Comment.objects.shown() if on_team else Comment.objects.public()
    signed_in = user.is_authenticated
    return {
        "subject": subject,
        "access_request": access_request,
        "appeal": appeal,
        "comments": comments.filter(request=access_request, appeal=appeal).select_related("author"),
        "may_comment": on_team,
        "may_hide": is_organizer(user),
        "help_wanted": HelpWanted.objects.filter(
            request=access_request, appeal=appeal, closed_at__isnull=True
        ).first(),
        "may_ask_for_help": on_team,
        "may_watch": signed_in,
        "watching": signed_in and Watch.objects.filter(user=user, **own).exists(),
    }


def may_write_to_team(claim: Claim | None, user) -> bool:
    """The people on a target (`Claim.is_worked_on_by`) and organizers may write to its team
    through the site."""
    return claim is not None and (claim.is_worked_on_by(user) or is_organizer(user))


def message_recipients(claim: Claim | None, sender) -> list:
    """Whom a person may write to through the site about a target: the rest of its team."""
    if not may_write_to_team(claim, sender):
        return []
    return [person for person in claim.team() if person.pk != sender.pk and person.is_active]


def service_coordination(service: PoliceService, claim: Claim | None, user) -> dict:
    """The service page's watch button and the form to write to the team."""
    signed_in = user.is_authenticated
    return {
        "service": service,
        "claim": claim,
        "may_watch": signed_in,
        "watching": signed_in and Watch.objects.filter(user=user, police_service=service).exists(),
        "recipients": message_recipients(claim, user),
    }


def open_calls_for_help(campaign: Campaign) -> QuerySet[HelpWanted]:
    return of_campaign(HelpWanted.objects.filter(closed_at__isnull=True), campaign)


def help_wanted_rows(campaign: Campaign, user, limit: int | None = None) -> list[dict]:
    """The open calls for help of a campaign (the newest `limit`), with only public facts, and
    whether this viewer can offer to help (the claim's own offer flow) or claim the target."""
    calls = list(
        open_calls_for_help(campaign)
        .select_related("request__police_service", "appeal")
        .order_by("-created_at")[:limit]
    )
    claims = {
        claim.police_service_id: claim
        for claim in Claim.objects.active()
        .filter(campaign=campaign, police_service__in={c.request.police_service_id for c in calls})
        .prefetch_related("helpers")
    }
    rows = []
    for call in calls:
        claim = claims.get(call.request.police_service_id)
        rows.append(
            {
                "call": call,
                "request": call.request,
                "appeal": call.appeal,
                "service": call.request.police_service,
                "claim": claim,
                "may_offer_help": bool(claim and claim.can_be_offered_help_by(user)),
                "may_claim": user.is_authenticated and claim is None,
            }
        )
    return rows


class ActivityKind(models.TextChoices):
    CLAIMS = "claims", _("Claims and helpers")
    STEPS = "steps", _("Request steps")
    COMMENTS = "comments", _("Comments")
    APPEALS = "appeals", _("Appeal stages")
    HELP = "help", _("Help wanted")
    RELEASES = "releases", _("Uploads")


ACTIVITY_LIMIT = 200
# (on an appeal, visibility): the feed's line for a comment.
_COMMENT_LINES = {
    (False, Visibility.TEAM): _("commented (team only): %(text)s"),
    (False, Visibility.PUBLIC): _("commented (public): %(text)s"),
    (True, Visibility.TEAM): _("commented on the appeal (team only): %(text)s"),
    (True, Visibility.PUBLIC): _("commented on the appeal (public): %(text)s"),
}


def activity_feed(
    campaign: Campaign,
    *,
    province: str = "",
    kind: str = "",
    person=None,
    limit: int = ACTIVITY_LIMIT,
) -> list[dict]:
    """Organizers: what happened across a campaign, newest first, each row with when, what
    kind, which service, who and a line of text; filtered by province, kind and person."""

    def scoped(queryset, *, at: str, service: str, campaign_path: str, people: tuple):
        queryset = queryset.filter(**{campaign_path: campaign})
        if province:
            queryset = queryset.filter(**{f"{service}__province": province})
        if person is not None:
            who = models.Q()
            for field in people:
                who |= models.Q(**{field: person})
            queryset = queryset.filter(who)
        return queryset.select_related(service).order_by(f"-{at}", "-pk")[:limit]

    rows = []

    def add(kind_, at, service, actor, text, url):
        rows.append(
            {
                "at": at,
                "kind": kind_,
                "kind_label": ActivityKind(kind_).label,
                "service": service,
                "person": actor,
                "text": text,
                "url": url,
            }
        )

    if kind in ("", ActivityKind.CLAIMS):
        activity = TargetActivity.objects.select_related("actor", "subject")
        for row in scoped(
            activity,
            at="created_at",
            service="police_service",
            campaign_path="campaign",
            people=("actor", "subject"),
        ):
            text = row.get_kind_display()
            if row.subject_id and row.subject_id != row.actor_id:
                text = f"{text}: {row.subject.public_name}"
            add(
                ActivityKind.CLAIMS,
                row.created_at,
                row.police_service,
                row.actor,
                text,
                row.police_service.get_absolute_url(),
            )
    if kind in ("", ActivityKind.STEPS):
        events = RequestEvent.objects.select_related("request", "logged_by")
        for event in scoped(
            events,
            at="logged_at",
            service="request__police_service",
            campaign_path="request__campaign",
            people=("logged_by",),
        ):
            add(
                ActivityKind.STEPS,
                event.logged_at,
                event.request.police_service,
                event.logged_by,
                _("logged a step: %(status)s") % {"status": event.get_status_display()},
                event.request.get_absolute_url(),
            )
    if kind in ("", ActivityKind.APPEALS):
        stages = AppealEvent.objects.select_related("appeal__request", "logged_by")
        for event in scoped(
            stages,
            at="logged_at",
            service="appeal__request__police_service",
            campaign_path="appeal__request__campaign",
            people=("logged_by",),
        ):
            add(
                ActivityKind.APPEALS,
                event.logged_at,
                event.appeal.request.police_service,
                event.logged_by,
                _("appeal: %(stage)s") % {"stage": event.get_stage_display()},
                event.appeal.request.get_absolute_url(),
            )
    if kind in ("", ActivityKind.COMMENTS):
        comments = Comment.objects.shown().select_related("request", "author")
        for comment in scoped(
            comments,
            at="created_at",
            service="request__police_service",
            campaign_path="request__campaign",
            people=("author",),
        ):
            text = _COMMENT_LINES[(comment.appeal_id is not None, comment.visibility)]
            add(
                ActivityKind.COMMENTS,
                comment.created_at,
                comment.request.police_service,
                comment.author,
                text % {"text": Truncator(comment.body).chars(160)},
                comment.request.get_absolute_url(),
            )
    if kind in ("", ActivityKind.HELP):
        calls = HelpWanted.objects.select_related("request", "created_by")
        for call in scoped(
            calls,
            at="created_at",
            service="request__police_service",
            campaign_path="request__campaign",
            people=("created_by",),
        ):
            add(
                ActivityKind.HELP,
                call.created_at,
                call.request.police_service,
                call.created_by,
                _("asked for help: %(needed)s") % {"needed": Truncator(call.needed).chars(160)},
                call.request.get_absolute_url(),
            )
    if kind in ("", ActivityKind.RELEASES):
        releases = Release.objects.with_file().select_related("request", "uploaded_by")
        for release in scoped(
            releases,
            at="uploaded_at",
            service="request__police_service",
            campaign_path="request__campaign",
            people=("uploaded_by",),
        ):
            add(
                ActivityKind.RELEASES,
                release.uploaded_at,
                release.request.police_service,
                release.uploaded_by,
                _("uploaded a release: %(name)s") % {"name": release},
                release.get_absolute_url(),
            )
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit]
