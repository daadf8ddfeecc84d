"""Opening an appeal and recording its stages; the stage and filing deadline follow from
the events, as a request's status does."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import filetypes
from ..models import AccessRequest, Appeal, AppealEvent, AppealGround, Notification, Stage
from ..models.appeals import CLOSED_STAGES, Outcome
from ..models.requests import Status
from .coordination import notify_watchers


class AppealError(Exception):
    """An appeal action that cannot be done; the message is shown to the person as is."""


# Answers that can be taken to the commissioner, and what they are about.
APPEALABLE = {
    Status.REFUSED,
    Status.PARTIAL_RELEASE,
    Status.NO_RECORDS,
    Status.FEE_ESTIMATE,
    Status.FEE_WAIVER_REFUSED,
    Status.EXTENDED,
}

# What may follow each stage. A file can be resolved or withdrawn at any point before it
# closes; an order comes out of adjudication.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    Stage.DRAFTING: {Stage.FILED, Stage.WITHDRAWN},
    Stage.FILED: {
        Stage.INTAKE,
        Stage.MEDIATION,
        Stage.ADJUDICATION,
        Stage.RESOLVED,
        Stage.WITHDRAWN,
    },
    Stage.INTAKE: {Stage.MEDIATION, Stage.ADJUDICATION, Stage.RESOLVED, Stage.WITHDRAWN},
    Stage.MEDIATION: {Stage.ADJUDICATION, Stage.RESOLVED, Stage.WITHDRAWN},
    Stage.ADJUDICATION: {Stage.ORDER, Stage.RESOLVED, Stage.WITHDRAWN},
    Stage.ORDER: {Stage.RESOLVED},
    Stage.RESOLVED: set(),
    Stage.WITHDRAWN: set(),
}
# Stages that end with an outcome the appeal must record.
OUTCOME_STAGES = {Stage.ORDER, Stage.RESOLVED}


def next_stages(stage: str) -> list[str]:
    allowed = STAGE_TRANSITIONS.get(stage, set())
    return [s for s in Stage.values if s in allowed]


@dataclass(frozen=True)
class Appealable:
    """What an appeal of this request would be about, as of today."""

    basis: str
    decided_on: date


def appealable(request: AccessRequest, today: date) -> Appealable | None:
    """A decision that can be appealed (its date), or a silence past the due date."""
    if request.is_overdue(today):
        # The last day the police service had to answer.
        return Appealable(Appeal.Basis.DEEMED_REFUSAL, request.due_on)
    if request.status in APPEALABLE:
        return Appealable(Appeal.Basis.DECISION, request.status_on)
    return None


@dataclass(frozen=True)
class Ground:
    kind: str
    section: str = ""
    note: str = ""


def appeal_open(
    *, request: AccessRequest, by, grounds: list[Ground], today: date | None = None
) -> Appeal:
    """Open an appeal (at the drafting stage) of the request's decision or silence."""
    today = today or timezone.localdate()
    if not request.is_open_to(by):
        raise PermissionDenied
    what = appealable(request, today)
    if what is None:
        raise AppealError(
            _(
                "Only a refusal, a partial release, a “no records” answer, a fee, a refused "
                "fee waiver, an extension or an overdue answer can be appealed."
            )
        )
    if not grounds:
        raise AppealError(_("Say what the appeal contests: choose at least one ground."))
    for ground in grounds:
        if ground.kind not in AppealGround.Kind.values:
            raise AppealError(_("Choose one of the listed grounds."))
        if ground.kind == AppealGround.Kind.EXEMPTION and not ground.section.strip():
            raise AppealError(_("Give the section of each exemption the police service claimed."))
    appeal = Appeal(
        request=request,
        basis=what.basis,
        decision_on=what.decided_on,
        stage=Stage.DRAFTING,
        stage_on=today,
        opened_by=by,
    )
    appeal.file_by = appeal.deadline().file_by
    try:
        with transaction.atomic():
            appeal.save()
            AppealGround.objects.bulk_create(
                AppealGround(
                    appeal=appeal,
                    kind=g.kind,
                    section=g.section.strip()[:120],
                    note=g.note.strip(),
                )
                for g in grounds
            )
            AppealEvent.objects.create(
                appeal=appeal, stage=Stage.DRAFTING, occurred_on=today, logged_by=by
            )
    except IntegrityError:
        raise AppealError(
            _("An appeal of this request is already going; record its next stage instead.")
        ) from None
    return appeal


def appeal_stage_record(
    *,
    appeal: Appeal,
    stage: str,
    occurred_on: date,
    by,
    note: str = "",
    attachment=None,
    file_number: str = "",
    outcome: str = "",
    order_number: str = "",
    order_url: str = "",
    commissioner_date: date | None = None,
    commissioner_date_for: str = "",
    today: date | None = None,
) -> AppealEvent:
    """Record one stage with the day it happened; refuse impossible ones with a message."""
    today = today or timezone.localdate()
    if not appeal.request.is_open_to(by):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the appeal so two stages recorded at once are checked one after the other.
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        # Drafting is dated the day the appeal was opened here; a filing logged afterwards
        # may have happened before that.
        last = (
            appeal.events.exclude(stage=Stage.DRAFTING)
            .order_by("occurred_on", "logged_at", "pk")
            .last()
        )
        if stage not in STAGE_TRANSITIONS.get(appeal.stage, set()):
            raise AppealError(
                _("“%(stage)s” cannot follow “%(current)s”.")
                % {"stage": Stage(stage).label, "current": Stage(appeal.stage).label}
            )
        if occurred_on > today:
            raise AppealError(_("A stage cannot be dated in the future."))
        if occurred_on < appeal.decision_on or (last and occurred_on < last.occurred_on):
            raise AppealError(_("A stage cannot be dated before the previous one or the decision."))
        if outcome and outcome not in Outcome.values:
            raise AppealError(_("Choose one of the listed outcomes."))
        if stage in OUTCOME_STAGES and not (outcome or appeal.outcome):
            raise AppealError(_("Say how it ended: choose the outcome."))
        stored = None
        if attachment is not None:
            try:
                stored, _created = filetypes.accept(attachment, filetypes.LETTER)
            except filetypes.UploadError as error:
                raise AppealError(str(error)) from None
        event = AppealEvent.objects.create(
            appeal=appeal,
            stage=stage,
            occurred_on=occurred_on,
            note=note.strip(),
            attachment=stored,
            attachment_name=filetypes.safe_name(attachment.name or "") if stored else "",
            logged_by=by,
        )
        appeal.stage, appeal.stage_on = stage, occurred_on
        if stage == Stage.FILED:
            appeal.filed_on = occurred_on
        appeal.file_number = file_number.strip()[:80] or appeal.file_number
        appeal.outcome = outcome or appeal.outcome
        appeal.order_number = order_number.strip()[:80] or appeal.order_number
        appeal.order_url = order_url.strip() or appeal.order_url
        if commissioner_date:
            if commissioner_date < occurred_on:
                raise AppealError(_("The date the commissioner set is before this stage."))
            appeal.commissioner_date = commissioner_date
            appeal.commissioner_date_for = commissioner_date_for.strip()[:200]
        appeal.save()
        notify_watchers(
            subject=appeal,
            kind=Notification.Kind.STAGE,
            key=f"appeal-event-{event.pk}",
            actor=by,
            stage=stage,
        )
    return event


def open_appeal_for(request: AccessRequest) -> Appeal | None:
    return request.appeals.exclude(stage__in=CLOSED_STAGES).first()
