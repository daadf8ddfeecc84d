"""Due dates for access-to-information requests, computed from the law.

Pure functions (no database, no settings; only the shared vocabularies of
``choices.py``), so the request page, the API, the dashboard and the ``due_date``
command all get the same answer.

How a due date is worked out
----------------------------
* Counting starts the day after the request (or decision) was received: that day is
  day 1 (e.g. federal Interpretation Act s.27(4)-(5), BC s.25.2(2), SK s.2-28(2)).
* Calendar-day limits: add N days. If the last day is a holiday, or a day the
  jurisdiction's statute treats like one (a Saturday where the statute makes it a
  holiday, or an office-closed day where the statute has an office-closed rule:
  Saturdays and Sundays), the due date moves to the next day that is none of these.
* Business-day limits: count only days that are not Saturdays, Sundays or holidays.
  Every FOI "business day" definition excludes Saturday, whatever the interpretation
  Act says about Saturdays.
* Holidays are the days the jurisdiction's interpretation statute calls holidays
  (``data/time_computation.csv``), not its employment-standards list. The ``holidays``
  package only supplies the dates of named holidays (Easter, "third Monday in
  February", ...). Sunday is a holiday in every interpretation Act.
* UNCONFIRMED rules (a holiday, a Saturday rule, an observed-day rule or an
  office-closed rule that the sources could not confirm): response due dates take the
  later reading (the rule applies), appeal deadlines the earlier one (it does not).
  ``DueDate`` says which unconfirmed rules touched the result and what the other
  reading gives, so the page can say the rule is unconfirmed.
* Pauses (e.g. a fee estimate, BC FIPPA s.7(4)): the clock stops on the day the
  estimate is given and starts again the day after the fee is paid or waived; both
  days and every day between do not count. BC s.7(4) as first enacted said "from the
  start of the day the head ... gives the applicant a written estimate ... to the end
  of the day" the fee is paid or excused; BC s.7(3) and s.7(5) use the same words.
  Ontario practice (foiassist.ca) counts the day the estimate is sent; callers who
  want that convention pass ``start`` = the day after. A pause with no end (fee not
  yet paid) leaves the request on hold: no due date yet.
* Extensions lengthen the limit by that many days of the limit's kind: the limit
  becomes N + extension, counted from receipt.

Only the caller knows whether a regime's law stops the clock for fees or gives a
deemed refusal; this module takes pauses and extensions as given.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays as holidays_package
from holidays.constants import GOVERNMENT, OPTIONAL, PUBLIC

from .choices import Answer, DayKind

CALENDAR, BUSINESS = DayKind.CALENDAR, DayKind.BUSINESS
DAY_KINDS = tuple(DayKind)

RESPONSE = "response"
APPEAL = "appeal"
PURPOSES = (RESPONSE, APPEAL)

YES, NO, UNCONFIRMED = Answer.YES, Answer.NO, Answer.UNCONFIRMED
TRI_STATES = tuple(Answer)

RULES_CSV = Path(__file__).resolve().parent.parent / "data" / "time_computation.csv"

SATURDAY, SUNDAY = 5, 6
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# A request cannot stay open longer than this without something being wrong with the input.
_MAX_SPAN = timedelta(days=3660)


# --- Named holidays -------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayDef:
    """A holiday the rules data may name, and where the `holidays` package keeps its date.

    ``package_subdiv`` is the `holidays.Canada` subdivision whose calendar holds the date
    (None = the national calendar); ``package_name`` is its English (en_CA) name there.
    Only the date is taken from the package; whether the day counts comes from the
    jurisdiction's row in ``time_computation.csv``.
    """

    key: str
    name: str
    package_subdiv: str | None
    package_name: str


HOLIDAY_DEFS: dict[str, HolidayDef] = {
    d.key: d
    for d in (
        HolidayDef("new_years_day", "New Year's Day", None, "New Year's Day"),
        # Third Monday in February in AB, BC (since 2019), NB, ON and SK alike.
        HolidayDef("family_day", "Family Day", "ON", "Family Day"),
        HolidayDef("louis_riel_day", "Louis Riel Day", "MB", "Louis Riel Day"),
        HolidayDef("islander_day", "Islander Day", "PE", "Islander Day"),
        HolidayDef("heritage_day_ns", "Nova Scotia Heritage Day", "NS", "Heritage Day"),
        HolidayDef("heritage_day_yt", "Yukon Heritage Day", "YT", "Heritage Day"),
        HolidayDef("good_friday", "Good Friday", None, "Good Friday"),
        HolidayDef("easter_monday", "Easter Monday", "ON", "Easter Monday"),
        HolidayDef("victoria_day", "Victoria Day", None, "Victoria Day"),
        HolidayDef(
            "national_indigenous_peoples_day",
            "National Indigenous Peoples Day",
            "NT",
            "National Aboriginal Day",
        ),
        HolidayDef("fete_nationale", "Fête nationale du Québec", "QC", "Saint Jean Baptiste Day"),
        HolidayDef("canada_day", "Canada Day", None, "Canada Day"),
        HolidayDef("nunavut_day", "Nunavut Day", "NU", "Nunavut Day"),
        HolidayDef("british_columbia_day", "British Columbia Day", "BC", "British Columbia Day"),
        HolidayDef("heritage_day_ab", "Alberta Heritage Day", "AB", "Heritage Day"),
        HolidayDef("new_brunswick_day", "New Brunswick Day", "NB", "New Brunswick Day"),
        HolidayDef("saskatchewan_day", "Saskatchewan Day", "SK", "Saskatchewan Day"),
        HolidayDef("terry_fox_day", "Terry Fox Day", "MB", "Terry Fox Day"),
        # First Monday in August, as in the Northwest Territories and Nunavut.
        HolidayDef("civic_holiday", "Civic Holiday", "NT", "Civic Holiday"),
        HolidayDef("discovery_day_yt", "Discovery Day", "YT", "Discovery Day"),
        HolidayDef("labour_day", "Labour Day", None, "Labour Day"),
        HolidayDef(
            "truth_reconciliation",
            "National Day for Truth and Reconciliation",
            None,
            "National Day for Truth and Reconciliation",
        ),
        HolidayDef("thanksgiving_day", "Thanksgiving Day", None, "Thanksgiving Day"),
        HolidayDef("remembrance_day", "Remembrance Day", None, "Remembrance Day"),
        HolidayDef("christmas_day", "Christmas Day", None, "Christmas Day"),
        HolidayDef("boxing_day", "Boxing Day", None, "Boxing Day"),
    )
}

# Sunday is listed in the data like the named holidays but is handled as a weekday.
SUNDAY_KEY = "sunday"

_OBSERVED_RULE = re.compile(
    r"^(?P<key>[a-z_]+?)_(?P<on>{days})_to_(?P<to>{days})$".format(days="|".join(WEEKDAYS))
)


@dataclass(frozen=True)
class ObservedRule:
    """`christmas_day_saturday_to_monday`: when Christmas Day falls on a Saturday, the
    following Monday is also a holiday (the holiday itself stays one too)."""

    key: str
    holiday: str
    on_weekday: int
    to_weekday: int

    @classmethod
    def parse(cls, key: str) -> ObservedRule:
        match = _OBSERVED_RULE.match(key)
        if not match or match["key"] not in HOLIDAY_DEFS:
            raise ValueError(f"unknown observed-day rule {key!r}")
        return cls(
            key=key,
            holiday=match["key"],
            on_weekday=WEEKDAYS.index(match["on"]),
            to_weekday=WEEKDAYS.index(match["to"]),
        )

    def observed_on(self, holiday_on: date) -> date | None:
        if holiday_on.weekday() != self.on_weekday:
            return None
        ahead = (self.to_weekday - self.on_weekday) % 7 or 7
        return holiday_on + timedelta(days=ahead)


# --- Rules per jurisdiction -------------------------------------------------------------


@dataclass(frozen=True)
class JurisdictionRules:
    """One row of ``data/time_computation.csv``: how a jurisdiction's interpretation
    statute counts time."""

    jurisdiction: str
    statute: str
    holiday_section: str
    holidays: tuple[str, ...]
    unconfirmed_holidays: tuple[str, ...]
    observed_rules: tuple[ObservedRule, ...]
    unconfirmed_observed_rules: tuple[ObservedRule, ...]
    saturday_is_holiday: str
    office_closed_rule: str
    moves_past_saturday: str
    first_day_rule: str
    last_day_rule: str
    source_urls: tuple[str, ...]
    notes: str

    def saturday_moves_a_calendar_deadline(self) -> Answer:
        """Whether a calendar-day limit ending on a Saturday runs on to the next day, as
        `_Reading.last_day_moves` counts it: yes when a confirmed rule says so, unconfirmed
        when only an unconfirmed rule would (a response then takes the later date)."""
        states = (self.saturday_is_holiday, self.office_closed_rule)
        if YES in states:
            return Answer.YES
        return Answer.UNCONFIRMED if UNCONFIRMED in states else Answer.NO


_COLUMNS = (
    "jurisdiction",
    "statute",
    "holiday_section",
    "holidays",
    "unconfirmed_holidays",
    "observed_rules",
    "unconfirmed_observed_rules",
    "saturday_is_holiday",
    "office_closed_rule",
    "moves_past_saturday",
    "first_day_rule",
    "last_day_rule",
    "source_urls",
    "notes",
)


def _keys(cell: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in cell.split(";") if k.strip())


def _row_to_rules(row: dict[str, str], where: str) -> JurisdictionRules:
    holidays = _keys(row["holidays"])
    unconfirmed = _keys(row["unconfirmed_holidays"])
    for key in (*holidays, *unconfirmed):
        if key != SUNDAY_KEY and key not in HOLIDAY_DEFS:
            raise ValueError(f"{where}: unknown holiday {key!r}")
    if SUNDAY_KEY not in holidays:
        raise ValueError(f"{where}: Sunday is a holiday in every interpretation Act")
    if both := set(holidays) & set(unconfirmed):
        raise ValueError(f"{where}: listed as both confirmed and unconfirmed: {sorted(both)}")
    for column in ("saturday_is_holiday", "office_closed_rule", "moves_past_saturday"):
        if row[column] not in TRI_STATES:
            raise ValueError(f"{where}: {column} must be one of {TRI_STATES}, not {row[column]!r}")
    try:
        observed = tuple(ObservedRule.parse(k) for k in _keys(row["observed_rules"]))
        unconfirmed_observed = tuple(
            ObservedRule.parse(k) for k in _keys(row["unconfirmed_observed_rules"])
        )
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    listed = set(holidays) | set(unconfirmed)
    for rule in (*observed, *unconfirmed_observed):
        if rule.holiday not in listed:
            raise ValueError(f"{where}: {rule.key} names a holiday this row does not list")
    urls = tuple(u.strip() for u in row["source_urls"].split("|") if u.strip())
    if not urls:
        raise ValueError(f"{where}: no source_urls")
    return JurisdictionRules(
        jurisdiction=row["jurisdiction"],
        statute=row["statute"],
        holiday_section=row["holiday_section"],
        holidays=holidays,
        unconfirmed_holidays=unconfirmed,
        observed_rules=observed,
        unconfirmed_observed_rules=unconfirmed_observed,
        saturday_is_holiday=row["saturday_is_holiday"],
        office_closed_rule=row["office_closed_rule"],
        moves_past_saturday=row["moves_past_saturday"],
        first_day_rule=row["first_day_rule"],
        last_day_rule=row["last_day_rule"],
        source_urls=urls,
        notes=row["notes"],
    )


def load_rules(path: Path | str = RULES_CSV) -> dict[str, JurisdictionRules]:
    """Read and check a time-computation CSV; raise ValueError naming the bad row."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        rules: dict[str, JurisdictionRules] = {}
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            where = f"{Path(path).name} line {line} ({row['jurisdiction']})"
            if row["jurisdiction"] in rules:
                raise ValueError(f"{where}: jurisdiction listed twice")
            rules[row["jurisdiction"]] = _row_to_rules(row, where)
    return rules


@lru_cache(maxsize=1)
def _project_rules() -> dict[str, JurisdictionRules]:
    return load_rules(RULES_CSV)


def all_rules() -> dict[str, JurisdictionRules]:
    """The project's rules, one per jurisdiction (CA = federal), loaded once."""
    return dict(_project_rules())


def rules_for(jurisdiction: str) -> JurisdictionRules:
    try:
        return _project_rules()[jurisdiction]
    except KeyError:
        raise ValueError(f"no time-computation rules for jurisdiction {jurisdiction!r}") from None


# --- Holiday calendars ------------------------------------------------------------------


@dataclass(frozen=True)
class Holiday:
    day: date
    key: str
    name: str
    unconfirmed: bool


@lru_cache(maxsize=64)
def _package_calendar(subdiv: str | None, year: int) -> holidays_package.HolidayBase:
    # Every category, no observed days: the package only tells us on which date a named
    # holiday falls. Which holidays count, and any observed days, come from our data.
    return holidays_package.Canada(
        subdiv=subdiv,
        years=year,
        categories=(PUBLIC, OPTIONAL, GOVERNMENT),
        observed=False,
        language="en_CA",
    )


@lru_cache(maxsize=1024)
def holiday_date(key: str, year: int) -> date | None:
    """The date of a named holiday in a year, or None if it did not exist that year."""
    definition = HOLIDAY_DEFS[key]
    calendar = _package_calendar(definition.package_subdiv, year)
    found = [
        d for d in calendar.get_named(definition.package_name, lookup="exact") if d.year == year
    ]
    if len(found) > 1:
        raise ValueError(f"{key}: the holidays package gives several dates in {year}: {found}")
    return found[0] if found else None


@lru_cache(maxsize=512)
def _holiday_table(jurisdiction: str, year: int) -> dict[date, tuple[Holiday, ...]]:
    """Every named and observed holiday in a year, confirmed or not (not ordinary Sundays)."""
    rules = rules_for(jurisdiction)
    found: list[Holiday] = []
    for keys, unconfirmed in ((rules.holidays, False), (rules.unconfirmed_holidays, True)):
        for key in keys:
            if key == SUNDAY_KEY:
                continue
            day = holiday_date(key, year)
            if day:
                found.append(Holiday(day, key, HOLIDAY_DEFS[key].name, unconfirmed))
    groups = ((rules.observed_rules, False), (rules.unconfirmed_observed_rules, True))
    for observed_rules, rule_unconfirmed in groups:
        for rule in observed_rules:
            # An observed day can spill into the next year (late-December holidays).
            for holiday_year in (year - 1, year):
                holiday_on = holiday_date(rule.holiday, holiday_year)
                day = holiday_on and rule.observed_on(holiday_on)
                if day and day.year == year:
                    holiday_unconfirmed = rule.holiday not in rules.holidays
                    found.append(
                        Holiday(
                            day,
                            rule.key,
                            f"{HOLIDAY_DEFS[rule.holiday].name} (observed)",
                            rule_unconfirmed or holiday_unconfirmed,
                        )
                    )
    table: dict[date, list[Holiday]] = {}
    for holiday in found:
        table.setdefault(holiday.day, []).append(holiday)
    return {day: tuple(hits) for day, hits in sorted(table.items())}


def holidays_for(jurisdiction: str, year: int, *, include_unconfirmed: bool) -> dict[date, str]:
    """Named holidays (and observed days) of a jurisdiction's interpretation statute.

    Ordinary Sundays are not listed, though every Act makes Sunday a holiday (the engine
    treats it as one). With include_unconfirmed, days whose status is UNCONFIRMED are
    included (the later reading).
    """
    result = {}
    for day, hits in _holiday_table(jurisdiction, year).items():
        names = [h.name for h in hits if include_unconfirmed or not h.unconfirmed]
        if names:
            result[day] = " / ".join(dict.fromkeys(names))
    return result


# --- Inputs and results -----------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    """A time limit: `days` of `day_kind` ('calendar' or 'business'), counted under the
    interpretation statute of `jurisdiction` (two letters; 'CA' for federal law)."""

    days: int
    day_kind: str
    jurisdiction: str

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("a time limit needs at least one day")
        if self.day_kind not in DAY_KINDS:
            raise ValueError(f"day_kind must be one of {DAY_KINDS}, not {self.day_kind!r}")


@dataclass(frozen=True)
class Pause:
    """The clock is stopped from `start` to `end`, both days included (e.g. from the day
    a fee estimate is given to the day the fee is paid or waived, BC FIPPA s.7(4)).
    `end` None: still stopped."""

    start: date
    end: date | None = None
    reason: str = "fee estimate"

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"a pause cannot end ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class DayNote:
    """A day that did not count, or that the due date moved past, and why.

    kind: 'saturday', 'sunday', 'holiday', 'office_closed' or 'paused'.
    unconfirmed: the day was treated this way only because of an UNCONFIRMED rule.
    """

    day: date
    kind: str
    name: str
    unconfirmed: bool = False


@dataclass(frozen=True)
class DueDate:
    """A due date and how it was worked out."""

    due_on: date | None
    received_on: date
    limit: TimeLimit
    extension_days: int
    purpose: str
    start_on: date
    counted_through: date | None
    skipped: tuple[DayNote, ...]
    moved_past: tuple[DayNote, ...]
    pauses: tuple[Pause, ...]
    unconfirmed: tuple[DayNote, ...]
    alternative_due_on: date | None
    on_hold_since: date | None = None
    rules: JurisdictionRules | None = field(default=None, repr=False, compare=False)

    @property
    def total_days(self) -> int:
        return self.limit.days + self.extension_days

    @property
    def depends_on_unconfirmed(self) -> bool:
        """The date would differ under the other reading of an UNCONFIRMED rule."""
        return self.alternative_due_on is not None

    @property
    def skipped_weekends(self) -> tuple[DayNote, ...]:
        return tuple(n for n in self.skipped if n.kind in ("saturday", "sunday"))

    @property
    def skipped_holidays(self) -> tuple[DayNote, ...]:
        return tuple(n for n in self.skipped if n.kind == "holiday")

    @property
    def paused_days(self) -> tuple[DayNote, ...]:
        return tuple(n for n in self.skipped if n.kind == "paused")

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_on, today)


# --- The engine -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """One reading of the rules: `later` applies every UNCONFIRMED rule."""

    rules: JurisdictionRules
    later: bool

    def applies(self, state: str) -> tuple[bool, bool]:
        """(does the rule apply, only because it is unconfirmed)."""
        if state == YES:
            return True, False
        if state == UNCONFIRMED and self.later:
            return True, True
        return False, False

    def holiday(self, day: date) -> DayNote | None:
        hits = _holiday_table(self.rules.jurisdiction, day.year).get(day, ())
        confirmed = [h for h in hits if not h.unconfirmed]
        if confirmed:
            return DayNote(day, "holiday", " / ".join(dict.fromkeys(h.name for h in confirmed)))
        if hits and self.later:
            names = " / ".join(dict.fromkeys(h.name for h in hits))
            return DayNote(day, "holiday", names, unconfirmed=True)
        return None

    def not_a_business_day(self, day: date) -> DayNote | None:
        weekday = day.weekday()
        if weekday in (SATURDAY, SUNDAY):
            holiday = self.holiday(day)
            name = WEEKDAYS[weekday].title() + (f" ({holiday.name})" if holiday else "")
            return DayNote(day, WEEKDAYS[weekday], name)
        return self.holiday(day)

    def last_day_moves(self, day: date, *, moving: bool) -> DayNote | None:
        """Why a calendar-day limit ending on `day` runs on to the next day, if it does.

        `moving`: the deadline is already moving off an earlier day (some statutes, e.g.
        Quebec s.52, send it to the next working day, which may skip a Saturday).
        """
        if day.weekday() == SUNDAY:
            return DayNote(day, "sunday", "Sunday (a holiday)")
        holiday = self.holiday(day)
        if holiday:
            return holiday
        if day.weekday() != SATURDAY:
            return None
        rules = self.rules
        reasons = [
            (rules.saturday_is_holiday, "saturday", "Saturday (a holiday under the statute)"),
            (rules.office_closed_rule, "office_closed", "Saturday (office closed)"),
        ]
        if moving:
            reasons.append((rules.moves_past_saturday, "saturday", "Saturday (not a working day)"))
        best = None
        for state, kind, name in reasons:
            applies, unconfirmed = self.applies(state)
            if applies and (best is None or (best.unconfirmed and not unconfirmed)):
                best = DayNote(day, kind, name, unconfirmed=unconfirmed)
        return best


@dataclass(frozen=True)
class _Count:
    due_on: date | None
    counted_through: date | None
    skipped: tuple[DayNote, ...]
    moved_past: tuple[DayNote, ...]
    on_hold_since: date | None


def _count(
    reading: _Reading, received_on: date, limit: TimeLimit, total: int, pauses: tuple[Pause, ...]
) -> _Count:
    skipped: list[DayNote] = []
    counted = 0
    day = received_on
    open_pause = min((p.start for p in pauses if p.end is None), default=None)
    while counted < total:
        day += timedelta(days=1)
        if day - received_on > _MAX_SPAN:
            raise ValueError("the pauses leave no room to count the time limit")
        if open_pause is not None and day >= open_pause:
            return _Count(None, None, tuple(skipped), (), on_hold_since=open_pause)
        pause = next((p for p in pauses if p.covers(day)), None)
        if pause:
            skipped.append(DayNote(day, "paused", f"clock stopped ({pause.reason})"))
            continue
        if limit.day_kind == BUSINESS:
            note = reading.not_a_business_day(day)
            if note:
                skipped.append(note)
                continue
        counted += 1
    counted_through = day
    moved_past: list[DayNote] = []
    if limit.day_kind == CALENDAR:
        while note := reading.last_day_moves(day, moving=bool(moved_past)):
            moved_past.append(note)
            day += timedelta(days=1)
    return _Count(day, counted_through, tuple(skipped), tuple(moved_past), None)


def compute_due_date(
    *,
    received_on: date,
    limit: TimeLimit,
    extension_days: int = 0,
    pauses: tuple[Pause, ...] | list[Pause] = (),
    purpose: str = RESPONSE,
) -> DueDate:
    """The due date of a response (purpose='response') or of an appeal or complaint
    (purpose='appeal'), counted from the day after `received_on`.

    `extension_days` lengthens the limit by that many days of its own kind. Days inside
    `pauses` do not count.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}, not {purpose!r}")
    if extension_days < 0:
        raise ValueError("an extension cannot be negative")
    rules = rules_for(limit.jurisdiction)
    pauses = tuple(sorted(pauses, key=lambda p: p.start))
    total = limit.days + extension_days

    later = _count(_Reading(rules, later=True), received_on, limit, total, pauses)
    earlier = _count(_Reading(rules, later=False), received_on, limit, total, pauses)
    chosen, other = (later, earlier) if purpose == RESPONSE else (earlier, later)

    # The unconfirmed rules that touched this count: every day the later reading treated
    # as not counting only because of an UNCONFIRMED rule (for an appeal, those the
    # earlier reading therefore counted as ordinary days before its due date).
    touched = [n for n in (*later.skipped, *later.moved_past) if n.unconfirmed]
    if purpose == APPEAL and chosen.due_on is not None:
        touched = [n for n in touched if n.day <= chosen.due_on]

    return DueDate(
        due_on=chosen.due_on,
        received_on=received_on,
        limit=limit,
        extension_days=extension_days,
        purpose=purpose,
        start_on=received_on + timedelta(days=1),
        counted_through=chosen.counted_through,
        skipped=chosen.skipped,
        moved_past=chosen.moved_past,
        pauses=pauses,
        unconfirmed=tuple(touched),
        alternative_due_on=other.due_on if other.due_on != chosen.due_on else None,
        on_hold_since=chosen.on_hold_since,
        rules=rules,
    )


def is_overdue(due_on: date | None, today: date) -> bool:
    """Past its due date (the due date itself is still on time). No due date: not overdue."""
    return due_on is not None and today > due_on
