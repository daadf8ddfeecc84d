"""The daily digest of what needs each volunteer, and their private calendar feed."""

import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from icalendar import Calendar, Event

from ..models import AccessRequest, Appeal, Claim, DigestSent, Stage
from ..models.requests import OPEN_STATUSES
from .notify import email_send

DUE_SOON_DAYS = 3
APPEAL_CLOSING_DAYS = 7


def teams(requests) -> dict[tuple[int, int], list]:
    """Who works on each request's target now, keyed by (campaign id, service id): the
    active claims' teams (`Claim.team`), for any number of requests in two queries."""
    keys = {(r.campaign_id, r.police_service_id) for r in requests}
    claims = Claim.objects.active().filter(
        campaign__in={c for c, _ in keys}, police_service__in={s for _, s in keys}
    )
    return {
        (claim.campaign_id, claim.police_service_id): [p for p in claim.team() if p.is_active]
        for claim in claims.with_team()
        if (claim.campaign_id, claim.police_service_id) in keys
    }


def digest_items(today: date) -> dict:
    """Per volunteer, the requests that need them today, each with why."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    closing = today + timedelta(days=APPEAL_CLOSING_DAYS)
    newly_overdue = AccessRequest.objects.newly_overdue(today)
    due_soon = AccessRequest.objects.filter(
        status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=soon
    )
    appeal_closing = AccessRequest.objects.filter(
        appeal_due_on__gte=today, appeal_due_on__lte=closing
    )
    # An overdue request is reported once, the day it becomes overdue.
    requests = (newly_overdue | due_soon | appeal_closing).select_related("police_service")
    overdue_ids = set(newly_overdue.values_list("pk", flat=True))
    due_soon_ids = set(due_soon.values_list("pk", flat=True))
    requests = list(requests)
    # Appeals that need the team soon: drafts whose last day to file is close, and dates
    # the commissioners set on open appeals (representations due, a hearing).
    appeals = {
        appeal.request_id: appeal
        for appeal in Appeal.objects.filter(
            stage=Stage.DRAFTING, file_by__gte=today, file_by__lte=closing
        ).select_related("request__police_service")
    }
    for appeal in (
        Appeal.objects.open()
        .filter(commissioner_date__gte=today, commissioner_date__lte=closing)
        .select_related("request__police_service")
    ):
        appeals.setdefault(appeal.request_id, appeal)
    requests += [a.request for a in appeals.values() if a.request not in requests]
    people = teams(requests)
    items = defaultdict(list)
    for request in requests:
        appeal = appeals.get(request.pk)
        if request.pk in overdue_ids:
            why = "overdue"
        elif request.pk in due_soon_ids:
            why = "due_soon"
        elif appeal and appeal.stage == Stage.DRAFTING:
            why = "file_appeal"
        elif appeal:
            why = "commissioner_date"
        else:
            why = "appeal_closing"
        for person in people.get((request.campaign_id, request.police_service_id), []):
            items[person].append({"request": request, "why": why, "appeal": appeal})
    return items


def digests_send(*, today: date) -> list[int]:
    """E-mail each volunteer one digest for the day; a second run the same day sends none."""
    sent = []
    for volunteer, items in digest_items(today).items():
        try:
            with transaction.atomic():
                DigestSent.objects.create(volunteer=volunteer, day=today)
                email_send(
                    template="digest",
                    recipient=volunteer,
                    context={"volunteer": volunteer, "items": items, "today": today},
                    key=f"{volunteer.pk}:{today.isoformat()}",
                )
        except IntegrityError:
            continue  # already sent today
        sent.append(volunteer.pk)
    return sent


def appeals_summary_send(*, today: date) -> int:
    """Weekly: each organizer gets the open appeals of the real campaigns by stage, once a
    week (a second run the same day sends nothing). Returns how many were sent."""
    from ..roles import organizers

    appeals = list(
        Appeal.objects.open()
        .filter(request__campaign__is_demo=False)
        .select_related("request__police_service")
        .order_by("stage", "file_by")
    )
    by_stage = [
        {"stage": label, "appeals": [a for a in appeals if a.stage == stage]}
        for stage, label in Stage.choices
        if any(a.stage == stage for a in appeals)
    ]
    sent = 0
    for organizer in organizers():
        try:
            with transaction.atomic():
                DigestSent.objects.create(volunteer=organizer, day=today, kind="appeals")
                email_send(
                    template="appeals_summary",
                    recipient=organizer,
                    context={"by_stage": by_stage, "count": len(appeals), "today": today},
                    key=f"{organizer.pk}:{today.isoformat()}",
                )
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent


def calendar_token_renew(user) -> str:
    """Give the volunteer a new secret feed address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_token_revoke(user) -> None:
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])


def calendar_feed(user, *, now) -> bytes:
    """An iCalendar feed of the volunteer's deadlines: answers due and appeal windows of the
    requests they work on, and the day each of their unfiled claims expires."""
    entries = []
    requests = AccessRequest.objects.worked_on_by(user).select_related("police_service")
    for request in requests:
        url = f"{settings.SITE_URL}{request.get_absolute_url()}"
        name = request.police_service.name_en
        if request.due_on and request.status in OPEN_STATUSES:
            entries.append((f"due-{request.pk}", request.due_on, f"Answer due: {name}", url))
        if request.appeal_due_on:
            entries.append(
                (f"appeal-{request.pk}", request.appeal_due_on, f"Last day to appeal: {name}", url)
            )
    from ..selectors import claims_without_filed_request

    claims = claims_without_filed_request().filter(volunteer=user).select_related("police_service")
    for claim in claims:
        entries.append(
            (
                f"claim-{claim.pk}",
                claim.expires_on(settings.CLAIM_STALE_DAYS),
                f"File or release: {claim.police_service.name_en}",
                f"{settings.SITE_URL}{claim.police_service.get_absolute_url()}",
            )
        )
    host = settings.SITE_URL.split("://", 1)[-1]
    calendar = Calendar()
    calendar.add("prodid", "-//ALPR records campaign//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ALPR records: my deadlines")
    for uid, day, summary, url in sorted(entries, key=lambda e: (e[1], e[0])):
        event = Event()
        event.add("uid", f"{uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()
