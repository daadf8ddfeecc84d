"""Filing a request and logging each step; the status and due date follow from the events."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import filetypes, letters
from ..models import (
    AccessRequest,
    Campaign,
    Claim,
    Notification,
    PoliceService,
    RecordCategory,
    RequestEvent,
)
from ..models.requests import DECISION_STATUSES, OPEN_STATUSES, Status
from ..roles import is_organizer
from .coordination import notify_watchers


class RequestError(Exception):
    """A request action that cannot be done; the message is shown to the person as is."""


# What may follow each status. Filing happens once; a fee can only be paid or refused
# after an estimate; after a decision only more releases or closing; closed is final.
_WHILE_OPEN = {
    Status.ACKNOWLEDGED,
    Status.CLARIFICATION_REQUESTED,
    Status.FEE_ESTIMATE,
    Status.EXTENDED,
    Status.TRANSFERRED,
    *DECISION_STATUSES,
    Status.ABANDONED,
}
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFTED: {Status.FILED, Status.ABANDONED},
    **{status: set(_WHILE_OPEN) for status in OPEN_STATUSES},
    Status.FEE_ESTIMATE: _WHILE_OPEN | {Status.FEE_PAID, Status.FEE_WAIVER_REFUSED},
    Status.FEE_WAIVER_REFUSED: _WHILE_OPEN | {Status.FEE_PAID},
    Status.PARTIAL_RELEASE: {Status.PARTIAL_RELEASE, Status.FULL_RELEASE, Status.CLOSED},
    Status.FULL_RELEASE: {Status.CLOSED},
    Status.NO_RECORDS: {Status.CLOSED},
    Status.REFUSED: {Status.PARTIAL_RELEASE, Status.FULL_RELEASE, Status.CLOSED},
    Status.ABANDONED: {Status.CLOSED},
    Status.CLOSED: set(),
}


def next_statuses(history: list[str]) -> list[str]:
    """The statuses that may be logged after these steps, in the vocabulary's order."""
    current = history[-1] if history else Status.DRAFTED
    allowed = set(TRANSITIONS.get(current, set()))
    # A fee estimate stays open through other steps (an extension, say) until it is paid.
    if current in OPEN_STATUSES and _fee_outstanding(history):
        allowed |= {Status.FEE_PAID, Status.FEE_WAIVER_REFUSED}
    return [status for status in Status.values if status in allowed]


def _fee_outstanding(history: list[str]) -> bool:
    estimates = [i for i, s in enumerate(history) if s == Status.FEE_ESTIMATE]
    payments = [i for i, s in enumerate(history) if s == Status.FEE_PAID]
    return bool(estimates) and (not payments or payments[-1] < estimates[-1])


def open_request_for(campaign: Campaign, service: PoliceService) -> AccessRequest | None:
    """The target's request that is still going (one at a time per target)."""
    return (
        AccessRequest.objects.filter(campaign=campaign, police_service=service)
        .exclude(status__in=[Status.ABANDONED, Status.CLOSED])
        .first()
    )


def request_file(
    *,
    campaign: Campaign,
    service: PoliceService,
    volunteer,
    filed_on: date,
    received_on: date | None = None,
    method: str = "",
    reference_number: str = "",
    categories: list[RecordCategory] = (),
    records_from: date | None = None,
    records_to: date | None = None,
    letter_language: str = "en",
    letter_text: str = "",
    requester_name: str = "",
    requester_contact: str = "",
    filed_outside_site: bool = False,
    today: date | None = None,
) -> AccessRequest:
    """Log a request as filed (with the site's letter or one sent outside the site)."""
    today = today or timezone.localdate()
    claim = Claim.objects.involving(volunteer).for_target(campaign, service).first()
    if claim is None and not is_organizer(volunteer):
        raise PermissionDenied
    if filed_on > today:
        raise RequestError(_("The filing date cannot be in the future."))
    received_on = received_on or filed_on
    if received_on < filed_on:
        raise RequestError(_("The police service cannot receive the request before it was sent."))
    if received_on > today:
        raise RequestError(_("The date received cannot be in the future."))
    if records_from and records_to and records_to < records_from:
        raise RequestError(_("The records' date range ends before it starts."))
    if open_request_for(campaign, service) is not None:
        raise RequestError(_already_logged(service))
    request = AccessRequest(
        campaign=campaign,
        police_service=service,
        claim=claim,
        volunteer=volunteer,
        regime=service.regime,
        filed_on=filed_on,
        received_on=received_on,
        method=method,
        reference_number=reference_number.strip(),
        records_from=records_from,
        records_to=records_to,
        letter_language=letter_language,
        letter_text=letter_text,
        public_letter_text=letters.letter_for_public(
            letter_text, name=requester_name, contact=requester_contact
        ),
        filed_outside_site=filed_outside_site,
        status=Status.FILED,
        status_on=filed_on,
    )
    # The rules in force the day it was received stay with the request for good.
    request.rules_copy(service.regime.rule_set_on(received_on))
    try:
        with transaction.atomic():
            request.save()
            request.categories.set(categories)
            RequestEvent.objects.create(
                request=request, status=Status.FILED, occurred_on=filed_on, logged_by=volunteer
            )
            _recompute(request)
    except IntegrityError:
        # Someone logged one in the same moment (one_open_request_per_target).
        raise RequestError(_already_logged(service)) from None
    return request


def _already_logged(service: PoliceService) -> str:
    return _(
        "A request to %(service)s is already logged for this campaign; log its next "
        "step on its page instead. (A new request can be logged once it is closed "
        "or abandoned.)"
    ) % {"service": service.name}


def request_status_record(
    *,
    request: AccessRequest,
    status: str,
    occurred_on: date,
    by,
    note: str = "",
    attachment=None,
    extension_days: int | None = None,
    new_due_on: date | None = None,
    section_cited: str = "",
    amount: Decimal | None = None,
    transferred_to: str = "",
    today: date | None = None,
) -> RequestEvent:
    """Log one step with the day it happened; refuse impossible ones with a message."""
    today = today or timezone.localdate()
    if not request.is_open_to(by):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the request so two steps logged at once are checked one after the other.
        request = AccessRequest.objects.select_for_update().get(pk=request.pk)
        events = list(request.events.order_by("occurred_on", "logged_at", "pk"))
        last = events[-1] if events else None
        current = last.status if last else Status.DRAFTED
        if status not in next_statuses([e.status for e in events]):
            raise RequestError(
                _("“%(status)s” cannot follow “%(current)s”.")
                % {"status": Status(status).label, "current": Status(current).label}
            )
        if occurred_on > today:
            raise RequestError(_("A step cannot be dated in the future."))
        if request.filed_on and occurred_on < request.filed_on:
            raise RequestError(_("A step cannot be dated before the request was filed."))
        if last and occurred_on < last.occurred_on:
            raise RequestError(
                _("A step cannot be dated before the previous one (%(day)s).")
                % {"day": last.occurred_on.isoformat()}
            )
        if status == Status.EXTENDED and not (extension_days or new_due_on):
            raise RequestError(_("Give the extension in days or the new due date."))
        if new_due_on and new_due_on < occurred_on:
            raise RequestError(_("The new due date is before the day of the notice."))
        if status == Status.TRANSFERRED and not transferred_to.strip():
            raise RequestError(_("Say which body the request was transferred to."))
        stored = None
        if attachment is not None:
            try:
                stored, _created = filetypes.accept(attachment, filetypes.LETTER)
            except filetypes.UploadError as error:
                raise RequestError(str(error)) from None
        event = RequestEvent.objects.create(
            request=request,
            status=status,
            occurred_on=occurred_on,
            note=note.strip(),
            logged_by=by,
            attachment=stored,
            attachment_name=filetypes.safe_name(attachment.name or "") if stored else "",
            extension_days=extension_days,
            new_due_on=new_due_on,
            section_cited=section_cited.strip(),
            amount=amount,
            transferred_to=transferred_to.strip(),
        )
        if status == Status.FEE_PAID and amount:
            request.fees_paid += amount
        _recompute(request)
        notify_watchers(
            subject=request,
            kind=Notification.Kind.STAGE,
            key=f"request-event-{event.pk}",
            actor=by,
            stage=status,
        )
    return event


def _recompute(request: AccessRequest) -> None:
    """Store the status and dates derived from the events, for fast queries."""
    events = list(request.events.order_by("occurred_on", "logged_at", "pk"))
    last = events[-1]
    request.status = last.status
    request.status_on = last.occurred_on
    deadline = request.deadline(events)
    request.due_on = request.stated_due_on(events) or (deadline.due_on if deadline else None)
    appeal = request.appeal_deadline(events)
    request.appeal_due_on = appeal.due_on if appeal else None
    request.save(update_fields=["status", "status_on", "due_on", "appeal_due_on", "fees_paid"])
