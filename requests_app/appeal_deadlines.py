"""The last day to file an appeal (each law's recourse), worked out from the rules copied
onto the request, with the deadline engine like every other date."""

from dataclasses import dataclass
from datetime import date

from .choices import DayKind, DeemedRefusalReview
from .deadlines import APPEAL, DueDate, TimeLimit, compute_due_date


@dataclass(frozen=True)
class AppealDeadline:
    """The last day to file, or why there is none."""

    due: DueDate | None
    counted_from: date
    deemed_refusal: bool
    no_time_limit: bool = False
    # The earliest plausible reading of a rule the sources do not confirm.
    unconfirmed: bool = False

    @property
    def file_by(self) -> date | None:
        return self.due.due_on if self.due else None


def appeal_deadline(request, *, basis: str, decided_on: date) -> AppealDeadline:
    """`decided_on`: the day the decision was received, or for a deemed refusal the last
    day the police service had to answer. `request` carries the rules in force when it
    was received (an unsaved request with `rules_copy` works too: the `appeal_date`
    command)."""
    deemed = basis == "deemed_refusal"
    unconfirmed_start = False
    if deemed:
        rule = request.deemed_refusal_review
        if rule == DeemedRefusalReview.NO_LIMIT:
            return AppealDeadline(None, decided_on, deemed, no_time_limit=True)
        # Unconfirmed: the earliest plausible start is the last day to answer itself.
        unconfirmed_start = rule != DeemedRefusalReview.FROM_DUE_DATE
    if not request.appeal_window_days:
        return AppealDeadline(None, decided_on, deemed, unconfirmed=True)
    due = compute_due_date(
        received_on=decided_on,
        limit=TimeLimit(
            request.appeal_window_days,
            request.appeal_day_kind or DayKind.CALENDAR,
            request.jurisdiction,
        ),
        purpose=APPEAL,
    )
    unconfirmed = request.appeal_window_unconfirmed or unconfirmed_start
    return AppealDeadline(due, decided_on, deemed, unconfirmed=unconfirmed)
