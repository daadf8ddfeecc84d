"""The daily digest of what needs each volunteer, and their private calendar feed."""

import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from ..models import AccessRequest, Claim, ClaimHelper, DigestSent
from ..models.requests import OPEN_STATUSES
from .notify import email_send

DUE_SOON_DAYS = 3
APPEAL_CLOSING_DAYS = 7


def _people_on(request: AccessRequest) -> set:
    """Who works on a request: who filed it, and the target's claimant and helpers."""
    people = {request.volunteer}
    claim = (
        Claim.objects.active()
        .filter(campaign_id=request.campaign_id, police_service_id=request.police_service_id)
        .select_related("volunteer")
        .first()
    )
    if claim:
        people.add(claim.volunteer)
        people.update(
            h.volunteer
            for h in claim.helpers.filter(status=ClaimHelper.Status.ACCEPTED).select_related(
                "volunteer"
            )
        )
    return {person for person in people if person.is_active}


def digest_items(today: date) -> dict:
    """Per volunteer, the requests that need them today, each with why."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    requests = AccessRequest.objects.filter(
        Q(status__in=OPEN_STATUSES, due_on__gte=today - timedelta(days=1), due_on__lte=soon)
        | Q(
            appeal_due_on__gte=today, appeal_due_on__lte=today + timedelta(days=APPEAL_CLOSING_DAYS)
        )
    ).select_related("police_service", "volunteer")
    items = defaultdict(list)
    for request in requests:
        if request.status in OPEN_STATUSES and request.due_on == today - timedelta(days=1):
            why = "overdue"
        elif request.status in OPEN_STATUSES and request.due_on and request.due_on >= today:
            why = "due_soon"
        else:
            why = "appeal_closing"
        for person in _people_on(request):
            items[person].append({"request": request, "why": why})
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
                )
        except IntegrityError:
            continue  # already sent today
        sent.append(volunteer.pk)
    return sent


def calendar_token_renew(user) -> str:
    """Give the volunteer a new secret feed address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def calendar_token_revoke(user) -> None:
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            parts.append(current)
            current = " " + char
        else:
            current += char
    parts.append(current)
    return "\r\n".join(parts)


def calendar_feed(user, *, now) -> str:
    """An iCalendar feed of the volunteer's deadlines: answers due, appeals, claim expiry."""
    events = []
    requests = AccessRequest.objects.visible_to(user).select_related("police_service")
    for request in requests:
        if request.due_on and request.status in OPEN_STATUSES:
            events.append(
                (f"due-{request.pk}", request.due_on, f"Answer due: {request.police_service.name_en}",
                 f"{settings.SITE_URL}{request.get_absolute_url()}")
            )  # fmt: skip
        if request.appeal_due_on:
            events.append(
                (f"appeal-{request.pk}", request.appeal_due_on,
                 f"Last day to appeal: {request.police_service.name_en}",
                 f"{settings.SITE_URL}{request.get_absolute_url()}")
            )  # fmt: skip
    from ..selectors import claims_without_filed_request

    for claim in (
        claims_without_filed_request().filter(volunteer=user).select_related("police_service")
    ):
        events.append(
            (f"claim-{claim.pk}", claim.expires_on(settings.CLAIM_STALE_DAYS),
             f"File or release: {claim.police_service.name_en}",
             f"{settings.SITE_URL}{claim.police_service.get_absolute_url()}")
        )  # fmt: skip
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    host = settings.SITE_URL.split("://", 1)[-1]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ALPR records campaign//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:ALPR records: my deadlines",
    ]
    for uid, day, summary, url in sorted(events, key=lambda e: (e[1], e[0])):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(summary)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
