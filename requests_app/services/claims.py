"""Claiming targets, helping, releasing, reassigning, and expiring stale claims."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import AccessRequest, Campaign, Claim, ClaimHelper, PoliceService, TargetActivity
from ..roles import is_organizer
from .notify import email_send


class ClaimError(Exception):
    """A claim action that cannot be done; the message is shown to the person as is."""


class ClaimConflict(ClaimError):
    """The target or claim is no longer as the person saw it: someone else claimed the
    target, or the claim was already released (the API answers 409)."""


def _already_claimed_message(campaign: Campaign, service: PoliceService) -> str:
    claim = Claim.objects.active().filter(campaign=campaign, police_service=service).first()
    if claim is None:  # released in the meantime
        return _("This target was just claimed or released by someone else; reload and try again.")
    day = formats.date_format(timezone.localtime(claim.claimed_at), "j M")
    return _("Already claimed by another volunteer on %(day)s; you can offer to help.") % {
        "day": day
    }


def _record(claim: Claim, kind: str, *, actor=None, subject=None, reason: str = "") -> None:
    TargetActivity.objects.create(
        campaign_id=claim.campaign_id,
        police_service_id=claim.police_service_id,
        claim=claim,
        kind=kind,
        actor=actor,
        subject=subject,
        reason=reason,
    )


def claim_create(
    *, campaign: Campaign, service: PoliceService, volunteer, today: date | None = None
) -> Claim:
    """Claim a target for a volunteer, or raise ClaimError saying why not."""
    today = today or timezone.localdate()
    if not service.active:
        raise ClaimError(_("%(service)s is no longer active.") % {"service": service.name})
    if not campaign.is_open(today):
        raise ClaimError(_("The campaign %(campaign)s is not open.") % {"campaign": campaign})
    with transaction.atomic():
        # Lock the volunteer's row so that two simultaneous claims cannot both pass the cap.
        get_user_model().objects.select_for_update().filter(pk=volunteer.pk).first()
        if Claim.objects.active().filter(campaign=campaign, police_service=service).exists():
            raise ClaimConflict(_already_claimed_message(campaign, service))
        held = Claim.objects.active().filter(volunteer=volunteer).count()
        if held >= settings.CLAIM_CAP:
            raise ClaimError(
                _(
                    "You already hold %(count)s targets, the most one volunteer may hold. "
                    "File or release one first."
                )
                % {"count": held}
            )
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    campaign=campaign, police_service=service, volunteer=volunteer
                )
        except IntegrityError:
            # Someone else's claim committed between our check and our insert.
            raise ClaimConflict(_already_claimed_message(campaign, service)) from None
        _record(claim, TargetActivity.Kind.CLAIMED, actor=volunteer, subject=volunteer)
    return claim


def _end(claim: Claim, *, ending: str, reason: str) -> bool:
    """Mark an active claim ended; False if it had already ended (so callers stay idempotent)."""
    return bool(
        Claim.objects.filter(pk=claim.pk, released_at__isnull=True).update(
            released_at=timezone.now(), ending=ending, ending_reason=reason
        )
    )


def ensure_can_release(*, claim: Claim, by) -> None:
    """Only the claimant and organizers may release a claim."""
    if not claim.can_be_released_by(by):
        raise PermissionDenied


def claim_release(*, claim: Claim, by, reason: str) -> None:
    """The claimant lets a target go, or an organizer releases it; a reason is required."""
    ensure_can_release(claim=claim, by=by)
    reason = reason.strip()
    if not reason:
        raise ClaimError(_("Say why the claim is released, so the next volunteer knows."))
    ending = Claim.Ending.RELEASED if claim.volunteer_id == by.pk else Claim.Ending.ORGANIZER
    with transaction.atomic():
        if not _end(claim, ending=ending, reason=reason):
            raise ClaimConflict(_("This claim was already released."))
        _record(
            claim, TargetActivity.Kind.RELEASED, actor=by, subject=claim.volunteer, reason=reason
        )
        if ending == Claim.Ending.ORGANIZER:
            email_send(
                template="claim_released_by_organizer",
                recipient=claim.volunteer,
                context={"claim": claim, "reason": reason},
                key=claim.pk,
            )


def claim_reassign(*, claim: Claim, to_volunteer, by, reason: str) -> Claim:
    """An organizer hands a target to another volunteer: one claim ends, a new one starts."""
    if not is_organizer(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ClaimError(_("Say why the target is reassigned."))
    if to_volunteer.pk == claim.volunteer_id:
        raise ClaimError(_("This volunteer already holds the claim."))
    with transaction.atomic():
        if not _end(claim, ending=Claim.Ending.REASSIGNED, reason=reason):
            raise ClaimConflict(_("This claim was already released."))
        new = Claim.objects.create(
            campaign_id=claim.campaign_id,
            police_service_id=claim.police_service_id,
            volunteer=to_volunteer,
        )
        _record(new, TargetActivity.Kind.REASSIGNED, actor=by, subject=to_volunteer, reason=reason)
        email_send(
            template="claim_released_by_organizer",
            recipient=claim.volunteer,
            context={"claim": claim, "reason": reason},
            key=claim.pk,
        )
        email_send(
            template="claim_reassigned_to_you",
            recipient=to_volunteer,
            context={"claim": new, "reason": reason},
            key=new.pk,
        )
    return new


def claim_remind(*, claim: Claim, by, today: date | None = None) -> None:
    """An organizer e-mails the volunteer holding a target a reminder of what to do next
    (`selectors.next_action`), at most once a day per target: the reminder is recorded in
    the target's history in the same transaction that sends it."""
    from ..selectors import next_action

    if not is_organizer(by):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        # Lock the claim so that two organizers clicking at once send one reminder.
        claim = (
            Claim.objects.select_for_update()
            .select_related("volunteer", "police_service", "campaign")
            .filter(pk=claim.pk, released_at__isnull=True)
            .first()
        )
        if claim is None:
            raise ClaimError(_("This claim has ended: nobody to remind."))
        start_of_day = timezone.make_aware(datetime.combine(today, time.min))
        if claim.activity.filter(
            kind=TargetActivity.Kind.NUDGED, created_at__gte=start_of_day
        ).exists():
            raise ClaimError(_("The volunteer was already reminded today."))
        request = (
            AccessRequest.objects.for_target(claim.campaign, claim.police_service)
            .order_by("-created_at")
            .first()
        )
        _record(claim, TargetActivity.Kind.NUDGED, actor=by, subject=claim.volunteer)
        email_send(
            template="claim_nudge",
            recipient=claim.volunteer,
            context={"claim": claim, "action": next_action(claim, request, today)},
            key=f"{claim.pk}:{today.isoformat()}",
        )


def claim_help_offer(*, claim: Claim, volunteer, message: str = "") -> ClaimHelper:
    if not claim.is_active:
        raise ClaimError(_("This claim has ended; you can claim the target instead."))
    if claim.volunteer_id == volunteer.pk:
        raise ClaimError(_("You hold this claim already."))
    with transaction.atomic():
        helper, created = ClaimHelper.objects.get_or_create(
            claim=claim, volunteer=volunteer, defaults={"message": message.strip()}
        )
        if not created:
            raise ClaimError(_("You have already offered to help with this target."))
        _record(claim, TargetActivity.Kind.HELP_OFFERED, actor=volunteer, subject=volunteer)
        email_send(
            template="help_offered",
            recipient=claim.volunteer,
            context={"claim": claim, "helper": helper},
            key=helper.pk,
        )
    return helper


def claim_help_decide(*, helper: ClaimHelper, by, accept: bool) -> None:
    """The claimant accepts or declines an offer of help."""
    claim = helper.claim
    if claim.volunteer_id != by.pk:
        raise PermissionDenied
    status = ClaimHelper.Status.ACCEPTED if accept else ClaimHelper.Status.DECLINED
    with transaction.atomic():
        changed = ClaimHelper.objects.filter(
            pk=helper.pk, status=ClaimHelper.Status.OFFERED
        ).update(status=status, decided_at=timezone.now())
        if not changed:
            raise ClaimError(_("This offer was already answered."))
        kind = TargetActivity.Kind.HELP_ACCEPTED if accept else TargetActivity.Kind.HELP_DECLINED
        _record(claim, kind, actor=by, subject=helper.volunteer)
        if accept:
            email_send(
                template="help_accepted",
                recipient=helper.volunteer,
                context={"claim": claim},
                key=helper.pk,
            )


@dataclass
class StaleReview:
    reminded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


def stale_claims_review(*, today: date) -> StaleReview:
    """Remind at N-3 days and release on day N the claims whose request is not filed.

    Safe to run twice on one day: a row changes only if it is still in its old state,
    and the e-mail is written to the outbox in the same transaction as that change (and
    sent after it commits).
    """
    from ..selectors import claims_without_filed_request

    stale_days = settings.CLAIM_STALE_DAYS
    review = StaleReview()
    for claim in claims_without_filed_request().select_related(
        "volunteer", "police_service", "campaign"
    ):
        if today >= claim.expires_on(stale_days):
            with transaction.atomic():
                reason = _("No request was filed within %(days)s days.") % {"days": stale_days}
                if not _end(claim, ending=Claim.Ending.EXPIRED, reason=reason):
                    continue
                _record(claim, TargetActivity.Kind.EXPIRED, subject=claim.volunteer, reason=reason)
                email_send(
                    template="claim_expired",
                    recipient=claim.volunteer,
                    context={"claim": claim},
                    key=claim.pk,
                )
            review.expired.append(claim.pk)
        elif today >= claim.reminder_due_on(stale_days) and claim.reminder_sent_on is None:
            with transaction.atomic():
                marked = Claim.objects.filter(
                    pk=claim.pk, reminder_sent_on__isnull=True, released_at__isnull=True
                ).update(reminder_sent_on=today)
                if not marked:
                    continue
                _record(claim, TargetActivity.Kind.REMINDED, subject=claim.volunteer)
                email_send(
                    template="claim_reminder",
                    recipient=claim.volunteer,
                    context={"claim": claim, "expires_on": claim.expires_on(stale_days)},
                    key=claim.pk,
                )
            review.reminded.append(claim.pk)
    return review
