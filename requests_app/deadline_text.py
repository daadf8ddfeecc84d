"""How a due date was worked out, in the reader's language: the one explanation, shown on
the request page and printed by the `due_date` command (the engine itself is pure)."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .deadlines import BUSINESS, CALENDAR, RESPONSE, DueDate


def _day(day) -> str:
    return formats.date_format(day, "l j F Y")


# The engine names days in English (it is pure); pages and the command say them in the
# reader's language. Every name the engine can give is here (a test checks it).
DAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Family Day": gettext_lazy("Family Day"),
    "Louis Riel Day": gettext_lazy("Louis Riel Day"),
    "Islander Day": gettext_lazy("Islander Day"),
    "Nova Scotia Heritage Day": gettext_lazy("Nova Scotia Heritage Day"),
    "Yukon Heritage Day": gettext_lazy("Yukon Heritage Day"),
    "Good Friday": gettext_lazy("Good Friday"),
    "Easter Monday": gettext_lazy("Easter Monday"),
    "Victoria Day": gettext_lazy("Victoria Day"),
    "National Indigenous Peoples Day": gettext_lazy("National Indigenous Peoples Day"),
    "Fête nationale du Québec": gettext_lazy("Fête nationale du Québec"),
    "Canada Day": gettext_lazy("Canada Day"),
    "Nunavut Day": gettext_lazy("Nunavut Day"),
    "British Columbia Day": gettext_lazy("British Columbia Day"),
    "Alberta Heritage Day": gettext_lazy("Alberta Heritage Day"),
    "New Brunswick Day": gettext_lazy("New Brunswick Day"),
    "Saskatchewan Day": gettext_lazy("Saskatchewan Day"),
    "Terry Fox Day": gettext_lazy("Terry Fox Day"),
    "Civic Holiday": gettext_lazy("Civic Holiday"),
    "Discovery Day": gettext_lazy("Discovery Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "National Day for Truth and Reconciliation": gettext_lazy(
        "National Day for Truth and Reconciliation"
    ),
    "Thanksgiving Day": gettext_lazy("Thanksgiving Day"),
    "Remembrance Day": gettext_lazy("Remembrance Day"),
    "Christmas Day": gettext_lazy("Christmas Day"),
    "Boxing Day": gettext_lazy("Boxing Day"),
    "Sunday (a holiday)": gettext_lazy("Sunday (a holiday)"),
    "Saturday (a holiday under the statute)": gettext_lazy(
        "Saturday (a holiday under the statute)"
    ),
    "Saturday (office closed)": gettext_lazy("Saturday (office closed)"),
    "Saturday (not a working day)": gettext_lazy("Saturday (not a working day)"),
}


def day_name(name: str) -> str:
    """The engine's name of a day ("Good Friday", "Christmas Day / Boxing Day") in the
    reader's language."""
    return " / ".join(str(DAY_NAMES.get(part, part)) for part in name.split(" / "))


def _holiday(note) -> str:
    name = day_name(note.name)
    return f"{name} ({_('not confirmed')})" if note.unconfirmed else name


def deadline_steps(due: DueDate) -> list[str]:
    """The steps of `due`, one sentence each, as the request page shows them."""
    kind = due.limit.day_kind
    kind_label = _("calendar days") if kind == CALENDAR else _("business days")
    steps = [
        _("Received %(received)s; counting starts the next day, %(start)s.")
        % {"received": _day(due.received_on), "start": _day(due.start_on)}
    ]
    if due.extension_days:
        steps.append(
            _("Time limit: %(days)s %(kind)s + an extension of %(extra)s = %(total)s %(kind)s.")
            % {
                "days": due.limit.days,
                "extra": due.extension_days,
                "total": due.total_days,
                "kind": kind_label,
            }
        )
    else:
        steps.append(
            _("Time limit: %(days)s %(kind)s.") % {"days": due.limit.days, "kind": kind_label}
        )
    if kind == CALENDAR:
        steps.append(_("Calendar days: weekends and holidays count; only the last day can move."))
    if kind == BUSINESS:
        weekends = len(due.skipped_weekends)
        if weekends:
            steps.append(
                ngettext(
                    "Not counted: %(count)s Saturday or Sunday.",
                    "Not counted: %(count)s Saturdays and Sundays.",
                    weekends,
                )
                % {"count": weekends}
            )
        for note in due.skipped_holidays:
            steps.append(
                _("Not counted: %(day)s, %(holiday)s.")
                % {"day": _day(note.day), "holiday": _holiday(note)}
            )
    for pause in due.pauses:
        paused = len([n for n in due.paused_days if pause.covers(n.day)])
        end = _day(pause.end) if pause.end else _("(not yet)")
        steps.append(
            _(
                "Clock stopped for a fee estimate from %(start)s to %(end)s: %(count)s days not counted."
            )
            % {"start": _day(pause.start), "end": end, "count": paused}
        )
    if due.due_on is None:
        steps.append(
            _("On hold since %(day)s: no due date until the clock restarts.")
            % {"day": _day(due.on_hold_since)}
        )
        return steps
    steps.append(
        _("Day %(number)s is %(day)s.")
        % {"number": due.total_days, "day": _day(due.counted_through)}
    )
    for note in due.moved_past:
        steps.append(
            _("%(day)s: %(holiday)s, so the due date moves to the next day.")
            % {"day": _day(note.day), "holiday": _holiday(note)}
        )
    steps.append(_("Due %(day)s.") % {"day": _day(due.due_on)})
    return steps + unconfirmed_steps(due)


def unconfirmed_steps(due: DueDate) -> list[str]:
    """What rests on a rule the sources do not confirm, and what the other reading gives."""
    steps = []
    if due.unconfirmed:
        days = ", ".join(f"{_day(n.day)} ({day_name(n.name)})" for n in due.unconfirmed)
        if due.purpose == RESPONSE:
            text = _(
                "Not confirmed: %(days)s. For an answer the site reads them as days that do "
                "not count, which gives the later date."
            )
        else:
            text = _(
                "Not confirmed: %(days)s. For an appeal the site counts them as ordinary "
                "days, which gives the earlier date."
            )
        steps.append(text % {"days": days})
    if due.alternative_due_on:
        steps.append(_("The other reading gives %(day)s.") % {"day": _day(due.alternative_due_on)})
    return steps


def appeal_steps(deadline) -> list[str]:
    """How the last day to file an appeal was worked out (an `AppealDeadline`)."""
    start = _day(deadline.counted_from)
    if deadline.deemed_refusal:
        steps = [
            _(
                "No answer came by the last day to answer, %(day)s: the law treats that as a refusal."
            )
            % {"day": start}
        ]
    else:
        steps = [_("The decision was received %(day)s.") % {"day": start}]
    if deadline.no_time_limit:
        return [
            *steps,
            _("No time limit: the law lets you challenge a failure to answer at any time."),
        ]
    if deadline.due is None:
        return [
            *steps,
            _(
                "The time to file is not confirmed and no reading of it is known: ask the "
                "commissioner's office before relying on any date."
            ),
        ]
    steps += deadline_steps(deadline.due)
    if deadline.unconfirmed:
        steps.append(
            _(
                "Not confirmed: the sources do not settle this window. The site counts the "
                "shortest plausible reading, so that following it is never late."
            )
        )
    return steps
