"""The deadline engine against due dates worked out by hand from the statutes.

Every expected date below was counted on a calendar, not taken from the engine. Each
case says why. Conventions (see requests_app/deadlines.py):

* day 1 is the day after receipt;
* calendar days: add N, then move the last day past holidays (and past Saturdays or
  office-closed days where the statute says so);
* business days: count only Monday-Friday days that are not holidays;
* UNCONFIRMED rules: response due dates take the later reading, appeal deadlines the
  earlier one; `other` is the due date under the other reading (None when both agree).

2026: Jan 1 Thu; Family Day Feb 16; Good Friday Apr 3, Easter Monday Apr 6; Victoria Day
May 18; Jun 24 Wed; Jul 1 Wed; Aug 3 Mon (civic holiday); Labour Day Sep 7; Sep 30 Wed;
Thanksgiving Oct 12; Nov 11 Wed; Dec 25 Fri, Dec 26 Sat.
2027: Jan 1 Fri; Family Day Feb 15; Good Friday Mar 26, Easter Monday Mar 29; Victoria
Day May 24; Jun 24 Thu; Jul 1 Thu; Dec 25 Sat, Dec 26 Sun. 2028: Jan 1 Sat.
"""

import csv
import re
from datetime import date

import holidays
import pytest
from django.utils import translation
from holidays.constants import GOVERNMENT, OPTIONAL, PUBLIC

from requests_app.deadline_text import deadline_steps
from requests_app.deadlines import (
    APPEAL,
    BUSINESS,
    CALENDAR,
    RESPONSE,
    RULES_CSV,
    Pause,
    TimeLimit,
    all_rules,
    compute_due_date,
    holidays_for,
    is_overdue,
    load_rules,
    rules_for,
)

d = date.fromisoformat
JURISDICTIONS = ("CA", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")


def case(
    case_id,
    jurisdiction,
    days,
    kind,
    received,
    due,
    *,
    ext=0,
    pauses=(),
    purpose=RESPONSE,
    other=None,
):
    return pytest.param(
        jurisdiction,
        days,
        kind,
        d(received),
        ext,
        tuple(pauses),
        purpose,
        d(due),
        d(other) if other else None,
        id=case_id,
    )


# fmt: off
CASES = [
    # --- Federal: Access to Information Act s.7, 30 calendar days; Interpretation Act
    # s.35 holidays (incl. Easter Monday, Remembrance Day, NDTR); Saturday UNCONFIRMED
    # (s.35(1)(a), common-law office-closed rule); Thanksgiving and Boxing Day UNCONFIRMED.
    # Mar 4 + 30 = Apr 3, Good Friday -> Sat Apr 4 (Saturday unconfirmed: a response moves)
    # -> Sun Apr 5 -> Mon Apr 6 Easter Monday -> Tue Apr 7. Earlier reading stops on Sat Apr 4.
    case("CA-ATIA-good-friday-easter-monday", "CA", 30, CALENDAR, "2026-03-04", "2026-04-07",
         other="2026-04-04"),
    # Jun 1 + 30 = Jul 1, Canada Day -> Thu Jul 2.
    case("CA-ATIA-canada-day", "CA", 30, CALENDAR, "2026-06-01", "2026-07-02"),
    # Oct 12 + 30 = Nov 11 (Oct has 31 days: +19 = Oct 31, +11 = Nov 11), Remembrance Day
    # is a federal holiday -> Thu Nov 12.
    case("CA-ATIA-remembrance-day", "CA", 30, CALENDAR, "2026-10-12", "2026-11-12"),
    # Nov 25 + 30 = Fri Dec 25, Christmas -> Sat Dec 26 (Boxing Day and Saturday, both
    # unconfirmed federally) -> Sun Dec 27 -> Mon Dec 28. Earlier reading: Sat Dec 26.
    case("CA-ATIA-christmas-to-boxing-day", "CA", 30, CALENDAR, "2026-11-25", "2026-12-28",
         other="2026-12-26"),
    # OIC complaint, s.31: 60 calendar days. Aug 1 + 30 = Aug 31, + 30 = Sep 30, National
    # Day for Truth and Reconciliation (s.35 holiday) -> Thu Oct 1.
    case("CA-ATIA-complaint-truth-and-reconciliation", "CA", 60, CALENDAR, "2026-08-01",
         "2026-10-01", purpose=APPEAL),
    # Complaint: Sep 1 + 29 = Sep 30, + 31 = Sat Oct 31. Appeal: Saturday is not a confirmed
    # holiday, so it stays; the later reading runs to Mon Nov 2.
    case("CA-ATIA-complaint-saturday-stays", "CA", 60, CALENDAR, "2026-09-01", "2026-10-31",
         purpose=APPEAL, other="2026-11-02"),
    # Sep 11 + 19 = Sep 30, + 11 = Sun Oct 11 -> Mon Oct 12 Thanksgiving (unconfirmed: a
    # response moves) -> Tue Oct 13. Earlier reading: Mon Oct 12.
    case("CA-ATIA-thanksgiving-unconfirmed", "CA", 30, CALENDAR, "2026-09-11", "2026-10-13",
         other="2026-10-12"),
    # Feb 24 + 4 = Feb 28, + 26 = Fri Mar 26 Good Friday -> Sat (unconfirmed) -> Sun -> Mon
    # Mar 29 Easter Monday -> Tue Mar 30. Earlier reading: Sat Mar 27.
    case("CA-ATIA-easter-2027", "CA", 30, CALENDAR, "2027-02-24", "2027-03-30",
         other="2027-03-27"),
    # Apr 24 + 6 = Apr 30, + 24 = Mon May 24, Victoria Day (the Monday immediately
    # preceding May 25) -> Tue May 25.
    case("CA-ATIA-victoria-day-2027", "CA", 30, CALENDAR, "2027-04-24", "2027-05-25"),
    # s.9 extension of 30 days: 60 days. Jan 15 + 16 = Jan 31, + 28 = Feb 28, + 16 =
    # Mon Mar 16.
    case("CA-ATIA-extension-30", "CA", 30, CALENDAR, "2026-01-15", "2026-03-16", ext=30),
    # --- Ontario MFIPPA: 30 calendar days for requests received until 2026-06-30, then 45
    # business days (Bill 97). Legislation Act s.88 holidays incl. Family Day, Easter Monday,
    # Boxing Day; NOT Civic Holiday or NDTR. Office-closed rule UNCONFIRMED; Christmas on a
    # Friday -> Monday UNCONFIRMED; Christmas on a Saturday -> Monday confirmed (s.88(5)).
    # Jan 17 + 14 = Jan 31, + 16 = Mon Feb 16, Family Day -> Tue Feb 17.
    case("ON-MFIPPA-30-family-day", "ON", 30, CALENDAR, "2026-01-17", "2026-02-17"),
    # Mar 4 + 30 = Fri Apr 3 Good Friday -> Sat Apr 4 (office closed, unconfirmed: a response
    # moves) -> Sun -> Mon Apr 6 Easter Monday -> Tue Apr 7. Earlier reading: Sat Apr 4.
    case("ON-MFIPPA-30-good-friday-easter-monday", "ON", 30, CALENDAR, "2026-03-04",
         "2026-04-07", other="2026-04-04"),
    # Apr 18 + 12 = Apr 30, + 18 = Mon May 18, Victoria Day -> Tue May 19.
    case("ON-MFIPPA-30-victoria-day", "ON", 30, CALENDAR, "2026-04-18", "2026-05-19"),
    # May 7 + 24 = May 31, + 6 = Sat Jun 6 -> office closed (unconfirmed) -> Sun -> Mon Jun 8.
    case("ON-MFIPPA-30-saturday", "ON", 30, CALENDAR, "2026-05-07", "2026-06-08",
         other="2026-06-06"),
    # Extension of 15 days: 45 days. May 1 + 30 = May 31, + 15 = Mon Jun 15.
    case("ON-MFIPPA-30-extension-15", "ON", 30, CALENDAR, "2026-05-01", "2026-06-15", ext=15),
    # Deposit request Thu Mar 12, deposit paid Mon Mar 30. Days 1-9 = Mar 3-11; Mar 12-30
    # do not count; day 10 = Mar 31, so day 30 = Apr 20 (Mon). Good Friday and Easter
    # Monday fall inside the count and count (calendar days).
    case("ON-MFIPPA-30-deposit-pause", "ON", 30, CALENDAR, "2026-03-02", "2026-04-20",
         pauses=[Pause(d("2026-03-12"), d("2026-03-30"))]),
    # IPC appeal, 30 calendar days: Nov 25 + 30 = Fri Dec 25 -> Sat Dec 26 Boxing Day ->
    # Sun Dec 27 -> Mon Dec 28 (Christmas-on-Friday rule unconfirmed: an appeal does not
    # apply it). The later reading runs to Tue Dec 29.
    case("ON-appeal-30-christmas-on-friday", "ON", 30, CALENDAR, "2026-11-25", "2026-12-28",
         purpose=APPEAL, other="2026-12-29"),
    # 45 business days from Thu Jul 2: Jul 3 = 1; Jul 6-31 = 2-21; Aug 3 (Civic Holiday,
    # not an Ontario s.88 holiday) - Aug 28 = 22-41; Aug 31, Sep 1, 2, 3 = 42-45.
    case("ON-MFIPPA-45-civic-holiday-counts", "ON", 45, BUSINESS, "2026-07-02", "2026-09-03"),
    # From Tue Sep 1: Sep 2-4 = 1-3; Labour Day Sep 7 skipped; Sep 8-11 = 4-7; Sep 14-25 =
    # 8-17; Sep 28-Oct 2 = 18-22 (Sep 30 counts in Ontario); Oct 5-9 = 23-27; Thanksgiving
    # Oct 12 skipped; Oct 13-16 = 28-31; Oct 19-30 = 32-41; Nov 2-5 = 42-45.
    case("ON-MFIPPA-45-labour-day-thanksgiving", "ON", 45, BUSINESS, "2026-09-01", "2026-11-05"),
    # From Fri Nov 20: Nov 23-Dec 18 = 1-20; Dec 21-24 = 21-24; Christmas Fri Dec 25 skipped;
    # Mon Dec 28 (unconfirmed observed Christmas) skipped for a response; Dec 29-31 = 25-27;
    # New Year's Day skipped; Jan 4-22 = 28-42; Jan 25, 26, 27 = 43-45. Counting Dec 28
    # gives Jan 26.
    case("ON-MFIPPA-45-christmas-to-new-year", "ON", 45, BUSINESS, "2026-11-20", "2027-01-27",
         other="2027-01-26"),
    # From Mon Feb 1 2027: Feb 2-12 = 1-9; Family Day Feb 15 skipped; Feb 16-Mar 19 = 10-33;
    # Mar 22-25 = 34-37; Good Friday Mar 26 and Easter Monday Mar 29 skipped; Mar 30-Apr 2
    # = 38-41; Apr 5-8 = 42-45.
    case("ON-MFIPPA-45-family-day-easter-2027", "ON", 45, BUSINESS, "2027-02-01", "2027-04-08"),
    # From Wed Dec 1 2027: Dec 2-3 = 1-2; Dec 6-24 = 3-17; Christmas is Sat Dec 25, so Mon
    # Dec 27 is also a holiday (s.88(5)); Dec 28-31 = 18-21; New Year's Day 2028 is a
    # Saturday (no substitute in s.88(3)), so Mon Jan 3 counts; Jan 3-28 = 22-41;
    # Jan 31, Feb 1, 2, 3 = 42-45.
    case("ON-MFIPPA-45-christmas-on-saturday-2027", "ON", 45, BUSINESS, "2027-12-01",
         "2028-02-03"),
    # --- British Columbia FIPPA: 30 "days" that exclude Saturdays and holidays (business
    # days). Interpretation Act s.29 holidays incl. BC Day, Easter Monday, Boxing Day;
    # Family Day, NDTR and Thanksgiving UNCONFIRMED; no in-lieu days.
    # From Mon Jul 20: Jul 21-31 = 1-9; BC Day Aug 3 skipped; Aug 4-28 = 10-28; Aug 31 = 29,
    # Sep 1 = 30.
    case("BC-FIPPA-bc-day", "BC", 30, BUSINESS, "2026-07-20", "2026-09-01"),
    # From Mon Feb 2: Feb 3-13 = 1-9; Family Day Feb 16 (unconfirmed) skipped for a response;
    # Feb 17-Mar 13 = 10-28; Mar 16 = 29, Mar 17 = 30. Counting Feb 16 gives Mar 16.
    case("BC-FIPPA-family-day-unconfirmed", "BC", 30, BUSINESS, "2026-02-02", "2026-03-17",
         other="2026-03-16"),
    # From Mon Mar 16: Mar 17-Apr 2 = 1-13; Good Friday and Easter Monday skipped; Apr 7-24
    # = 14-27; Apr 27, 28, 29 = 28-30.
    case("BC-FIPPA-easter", "BC", 30, BUSINESS, "2026-03-16", "2026-04-29"),
    # s.7(4) fee estimate Mon Mar 9, fee paid Tue Mar 24: Mar 3-6 = 1-4; Mar 9-24 stopped;
    # Mar 25-27 = 5-7; Mar 30-Apr 2 = 8-11; Apr 3, Apr 6 holidays; Apr 7-May 1 = 12-30.
    # (Without the pause: Apr 15; the pause holds 12 business days.)
    case("BC-FIPPA-fee-estimate-pause", "BC", 30, BUSINESS, "2026-03-02", "2026-05-01",
         pauses=[Pause(d("2026-03-09"), d("2026-03-24"))]),
    # s.7(4)(d) application fee paid Wed Mar 4 for a request received Mon Mar 2: the clock
    # starts Thu Mar 5. Mar 5-6 = 1-2; Mar 9-Apr 2 = 3-21; Apr 3, 6 skipped; Apr 7-17 = 22-30.
    case("BC-FIPPA-application-fee-paid-late", "BC", 30, BUSINESS, "2026-03-02", "2026-04-17",
         pauses=[Pause(d("2026-03-02"), d("2026-03-04"), "application fee unpaid")]),
    # s.10 extension of 30 days: 60 business days from Tue Sep 8. Sep 9-29 = 1-15; Sep 30
    # (NDTR, unconfirmed) skipped; Oct 1-9 = 16-22; Oct 12 (Thanksgiving, unconfirmed)
    # skipped; Oct 13-Nov 10 = 23-43; Remembrance Day skipped; Nov 12-Dec 4 = 44-60.
    # Counting Sep 30 and Oct 12 gives Wed Dec 2.
    case("BC-FIPPA-extension-30", "BC", 30, BUSINESS, "2026-09-08", "2026-12-04", ext=30,
         other="2026-12-02"),
    # Request for review, 30 business days from Thu Dec 10: Dec 11 = 1; Dec 14-24 = 2-10;
    # Christmas skipped; Boxing Day is a Saturday and BC has no in-lieu day, so Mon Dec 28
    # counts; Dec 28-31 = 11-14; New Year's Day skipped; Jan 4-22 = 15-29; Mon Jan 25 = 30.
    case("BC-FIPPA-review-christmas", "BC", 30, BUSINESS, "2026-12-10", "2027-01-25",
         purpose=APPEAL),
    # From Mon Dec 6 2027: Dec 7-24 = 1-14; Christmas (Sat) and Boxing Day (Sun) give no
    # in-lieu days in BC, so Dec 27-31 = 15-19; Jan 1 2028 is a Saturday; Jan 3-14 = 20-29;
    # Mon Jan 17 = 30.
    case("BC-FIPPA-christmas-on-weekend-2027", "BC", 30, BUSINESS, "2027-12-06", "2028-01-17"),
    # --- Quebec access Act s.47: 20 calendar days (+10 by notice). Interpretation Act
    # s.61(23) holidays incl. Fête nationale (Jun 24) and Easter Monday; NOT Dec 26, Jan 2,
    # Remembrance Day or NDTR. Saturday is not a holiday; s.52 moves a deadline off a
    # holiday to the next "jour ouvrable" (skipping Saturday: UNCONFIRMED).
    # Jun 4 + 20 = Wed Jun 24, Fête nationale -> Thu Jun 25.
    case("QC-ACCESS-fete-nationale", "QC", 20, CALENDAR, "2026-06-04", "2026-06-25"),
    # Jun 4 2027 + 20 = Thu Jun 24 2027 -> Fri Jun 25.
    case("QC-ACCESS-fete-nationale-2027", "QC", 20, CALENDAR, "2027-06-04", "2027-06-25"),
    # Jun 11 + 19 = Jun 30, + 1 = Wed Jul 1, Canada Day -> Thu Jul 2.
    case("QC-ACCESS-canada-day", "QC", 20, CALENDAR, "2026-06-11", "2026-07-02"),
    # Oct 22 + 9 = Oct 31, + 11 = Wed Nov 11: Remembrance Day is not a Quebec holiday.
    case("QC-ACCESS-remembrance-day-counts", "QC", 20, CALENDAR, "2026-10-22", "2026-11-11"),
    # Dec 5 + 20 = Fri Dec 25 -> Sat Dec 26 (not a holiday in Quebec; next working day
    # unconfirmed: a response skips it) -> Sun -> Mon Dec 28. Earlier reading: Sat Dec 26.
    case("QC-ACCESS-christmas", "QC", 20, CALENDAR, "2026-12-05", "2026-12-28",
         other="2026-12-26"),
    # +10-day extension: 30 days. Dec 2 + 29 = Dec 31, + 1 = Fri Jan 1 2027 -> Sat Jan 2
    # (not a holiday; skipped for a response) -> Sun -> Mon Jan 4. Earlier: Sat Jan 2.
    case("QC-ACCESS-extension-new-years-day", "QC", 20, CALENDAR, "2026-12-02", "2027-01-04",
         ext=10, other="2027-01-02"),
    # Mar 6 + 20 = Fri Mar 26 Good Friday -> Sat (unconfirmed) -> Sun -> Mon Mar 29 Easter
    # Monday -> Tue Mar 30. Earlier reading: Sat Mar 27.
    case("QC-ACCESS-good-friday-2027", "QC", 20, CALENDAR, "2027-03-06", "2027-03-30",
         other="2027-03-27"),
    # Sep 13 + 17 = Sep 30, + 3 = Sat Oct 3: Saturday is not a holiday and Quebec has no
    # office-closed rule, so the deadline stays on the Saturday.
    case("QC-ACCESS-saturday-stays", "QC", 20, CALENDAR, "2026-09-13", "2026-10-03"),
    # CAI review, s.135: 30 days. Apr 18 + 12 = Apr 30, + 18 = Mon May 18 (Victoria Day /
    # Sovereign's birthday, unconfirmed): an appeal keeps May 18; the later reading May 19.
    case("QC-review-victoria-day-unconfirmed", "QC", 30, CALENDAR, "2026-04-18", "2026-05-18",
         purpose=APPEAL, other="2026-05-19"),
    # --- Alberta ATIA: 30 business days. Only Sunday is a confirmed holiday; the rest of the
    # Interpretation Act list is UNCONFIRMED, so a response skips the usual holidays.
    # From Thu Feb 5: Feb 6 = 1; Feb 9-13 = 2-6; Family Day Feb 16 skipped; Feb 17-Mar 13 =
    # 7-25; Mar 16-20 = 26-30. Counting Feb 16 gives Thu Mar 19.
    case("AB-ATIA-family-day", "AB", 30, BUSINESS, "2026-02-05", "2026-03-20",
         other="2026-03-19"),
    # From Mon Mar 15 2027: Mar 16-25 = 1-8; Good Friday, Easter Monday skipped; Mar 30-Apr
    # 23 = 9-27; Apr 26-28 = 28-30. Counting both: Mar 16-Apr 23 = 1-29, Apr 26 = 30.
    case("AB-ATIA-easter-2027", "AB", 30, BUSINESS, "2027-03-15", "2027-04-28",
         other="2027-04-26"),
    # From Mon Jun 22: Jun 23-30 = 1-6; Canada Day skipped; Jul 2-31 = 7-28; Heritage Day
    # Aug 3 skipped; Aug 4-5 = 29-30. Counting both: Jul 1 = 7, ..., Jul 31 = 29, Aug 3 = 30.
    case("AB-ATIA-canada-day-heritage-day", "AB", 30, BUSINESS, "2026-06-22", "2026-08-05",
         other="2026-08-03"),
    # --- Nova Scotia FOIPOP / MGA Part XX: 30 calendar days, review within 60 days. The whole
    # Interpretation Act row is UNCONFIRMED except Sunday.
    # Jun 1 + 30 = Wed Jul 1 (Canada Day, unconfirmed) -> Thu Jul 2; earlier reading Jul 1.
    case("NS-FOIPOP-canada-day", "NS", 30, CALENDAR, "2026-06-01", "2026-07-02",
         other="2026-07-01"),
    # Jan 17 + 30 = Mon Feb 16 (Heritage Day, unconfirmed) -> Tue Feb 17; earlier Feb 16.
    case("NS-FOIPOP-heritage-day", "NS", 30, CALENDAR, "2026-01-17", "2026-02-17",
         other="2026-02-16"),
    # Mar 4 + 30 = Fri Apr 3 (Good Friday, unconfirmed) -> Sat -> Sun -> Mon Apr 6 (Easter
    # Monday, unconfirmed) -> Tue Apr 7. Earlier reading: no move, Fri Apr 3.
    case("NS-FOIPOP-good-friday", "NS", 30, CALENDAR, "2026-03-04", "2026-04-07",
         other="2026-04-03"),
    # Dec 2 + 30 = Fri Jan 1 2027 -> Sat Jan 2 -> Sun -> Mon Jan 4; earlier reading Jan 1.
    case("NS-MGA-new-years-day", "NS", 30, CALENDAR, "2026-12-02", "2027-01-04",
         other="2027-01-01"),
    # Extension of 30 days: 60 days. Mar 2 + 29 = Mar 31, + 30 = Apr 30, + 1 = Fri May 1.
    case("NS-FOIPOP-extension-30", "NS", 30, CALENDAR, "2026-03-02", "2026-05-01", ext=30),
    # Review, 60 days: Oct 27 + 4 = Oct 31, + 30 = Nov 30, + 26 = Sat Dec 26 (Boxing Day and
    # Saturday, both unconfirmed): an appeal keeps Dec 26; the later reading Mon Dec 28.
    case("NS-review-boxing-day-saturday", "NS", 60, CALENDAR, "2026-10-27", "2026-12-26",
         purpose=APPEAL, other="2026-12-28"),
    # Review: Aug 5 + 26 = Aug 31, + 30 = Sep 30, + 4 = Sun Oct 4 -> Mon Oct 5 (Sunday is a
    # confirmed holiday everywhere).
    case("NS-review-sunday", "NS", 60, CALENDAR, "2026-08-05", "2026-10-05", purpose=APPEAL),
]
# fmt: on


@pytest.mark.parametrize(
    ("jurisdiction", "days", "kind", "received", "ext", "pauses", "purpose", "due", "other"),
    CASES,
)
def test_it_computes_due_dates_worked_out_by_hand(
    jurisdiction, days, kind, received, ext, pauses, purpose, due, other
):
    result = compute_due_date(
        received_on=received,
        limit=TimeLimit(days, kind, jurisdiction),
        extension_days=ext,
        pauses=pauses,
        purpose=purpose,
    )
    assert result.due_on == due
    assert result.alternative_due_on == other
    assert result.depends_on_unconfirmed is (other is not None)


def test_the_table_covers_the_required_regimes():
    assert len(CASES) >= 30
    covered = {p.values[0] for p in CASES}
    assert {"CA", "ON", "BC", "QC", "AB", "NS"} <= covered


# --- Holiday lists per jurisdiction: the interpretation statute's, not employment law's.

HOLIDAY_LISTS = [
    # jurisdiction, confirmed holidays, holidays only under the later reading, never holidays
    pytest.param(
        "CA",
        ["2026-04-06", "2026-11-11", "2026-09-30", "2026-05-18", "2026-12-25"],
        ["2026-10-12", "2026-12-26"],
        ["2026-02-16", "2026-08-03", "2026-06-24"],
        id="CA-easter-monday-remembrance-ndtr",
    ),
    pytest.param(
        "ON",
        ["2026-02-16", "2026-04-06", "2026-12-26", "2027-12-27"],
        ["2026-12-28"],
        ["2026-08-03", "2026-09-30", "2026-06-24"],
        id="ON-family-day-not-civic-holiday",
    ),
    pytest.param(
        "BC",
        ["2026-08-03", "2026-04-06", "2026-12-26", "2026-11-11"],
        ["2026-02-16", "2026-09-30", "2026-10-12"],
        ["2026-06-24", "2027-12-27"],
        id="BC-bc-day",
    ),
    pytest.param(
        "QC",
        ["2026-06-24", "2026-04-06", "2026-10-12", "2026-07-01"],
        ["2026-05-18"],
        ["2026-12-26", "2026-11-11", "2026-09-30", "2027-01-02"],
        id="QC-fete-nationale",
    ),
    pytest.param("AB", [], ["2026-02-16", "2026-08-03", "2026-12-25"], ["2026-06-24"], id="AB"),
    pytest.param(
        "MB", ["2026-02-16", "2026-09-30"], ["2026-08-03", "2026-12-25"], ["2026-06-24"], id="MB"
    ),
    pytest.param(
        "NB", ["2026-01-01", "2026-02-16"], ["2026-08-03", "2026-04-03"], ["2026-06-24"], id="NB"
    ),
    pytest.param(
        "NL",
        ["2026-07-01", "2026-12-26", "2026-10-12", "2026-04-03"],
        [],
        ["2026-04-06", "2026-09-30", "2026-02-16"],
        id="NL-no-easter-monday",
    ),
    pytest.param("NS", [], ["2026-02-16", "2026-12-26"], ["2026-08-03"], id="NS"),
    pytest.param("NT", [], ["2027-06-21", "2026-08-03"], ["2026-02-16"], id="NT"),
    pytest.param("NU", [], ["2026-07-09", "2026-08-03"], ["2026-02-16"], id="NU"),
    pytest.param("PE", [], ["2026-02-16", "2026-09-30"], ["2026-08-03"], id="PE"),
    pytest.param("SK", [], ["2026-02-16", "2026-08-03"], ["2026-06-24"], id="SK"),
    pytest.param("YT", [], ["2026-02-20", "2026-08-17"], ["2026-08-03"], id="YT"),
]


@pytest.mark.parametrize(("jurisdiction", "confirmed", "unconfirmed", "never"), HOLIDAY_LISTS)
def test_each_jurisdiction_uses_its_interpretation_statute(
    jurisdiction, confirmed, unconfirmed, never
):
    def listed(day, include_unconfirmed):
        day = d(day)
        return day in holidays_for(jurisdiction, day.year, include_unconfirmed=include_unconfirmed)

    for day in confirmed:
        assert listed(day, False), day
    for day in unconfirmed:
        assert not listed(day, False), day
        assert listed(day, True), day
    for day in never:
        assert not listed(day, True), day


def test_every_jurisdiction_has_a_holiday_test():
    assert {p.values[0] for p in HOLIDAY_LISTS} == set(JURISDICTIONS)


def test_holidays_carry_their_names():
    qc = holidays_for("QC", 2026, include_unconfirmed=False)
    assert qc[d("2026-06-24")] == "Fête nationale du Québec"
    on = holidays_for("ON", 2027, include_unconfirmed=False)
    assert on[d("2027-12-27")] == "Christmas Day (observed)"
    assert holidays_for("BC", 2026, include_unconfirmed=False)[d("2026-08-03")] == (
        "British Columbia Day"
    )


def test_it_does_not_use_the_employment_standards_lists():
    # The holidays package (employment and government lists) has Ontario's Civic Holiday
    # and Quebec's December 26; neither is a holiday in the interpretation statutes.
    every_category = (PUBLIC, OPTIONAL, GOVERNMENT)
    ontario = holidays.Canada(subdiv="ON", years=2026, categories=every_category)
    quebec = holidays.Canada(subdiv="QC", years=2026, categories=every_category)
    assert d("2026-08-03") in ontario
    assert d("2026-12-26") in quebec
    assert d("2026-08-03") not in holidays_for("ON", 2026, include_unconfirmed=True)
    assert d("2026-12-26") not in holidays_for("QC", 2026, include_unconfirmed=True)


def test_sundays_are_not_listed_but_always_count_as_holidays():
    assert d("2026-10-04") not in holidays_for("CA", 2026, include_unconfirmed=True)
    # Federal complaint, 60 days from Wed Aug 5 ends Sun Oct 4 -> Mon Oct 5.
    result = compute_due_date(
        received_on=d("2026-08-05"), limit=TimeLimit(60, CALENDAR, "CA"), purpose=APPEAL
    )
    assert result.due_on == d("2026-10-05")


def test_holidays_for_returns_a_copy():
    first = holidays_for("ON", 2026, include_unconfirmed=False)
    first.clear()
    assert holidays_for("ON", 2026, include_unconfirmed=False)


# --- Unconfirmed rules, pauses, extensions, explanation ---------------------------------


def explained(result) -> list[str]:
    """The explanation the request page and the due_date command show, in English."""
    with translation.override("en"):
        return deadline_steps(result)


def test_unconfirmed_rules_give_responses_the_later_date_and_appeals_the_earlier():
    # NS, 30 calendar days from Jun 1: Jul 1 (Canada Day, unconfirmed).
    limit = TimeLimit(30, CALENDAR, "NS")
    response = compute_due_date(received_on=d("2026-06-01"), limit=limit, purpose=RESPONSE)
    appeal = compute_due_date(received_on=d("2026-06-01"), limit=limit, purpose=APPEAL)
    assert (response.due_on, response.alternative_due_on) == (d("2026-07-02"), d("2026-07-01"))
    assert (appeal.due_on, appeal.alternative_due_on) == (d("2026-07-01"), d("2026-07-02"))
    for result in (response, appeal):
        assert [(n.day, n.name) for n in result.unconfirmed] == [(d("2026-07-01"), "Canada Day")]
    assert "gives the later date" in " ".join(explained(response))
    assert "gives the earlier date" in " ".join(explained(appeal))


def test_confirmed_rules_leave_nothing_unconfirmed():
    # ON, 30 calendar days from Jun 1: Canada Day Jul 1 -> Jul 2, all confirmed.
    result = compute_due_date(received_on=d("2026-06-01"), limit=TimeLimit(30, CALENDAR, "ON"))
    assert result.due_on == d("2026-07-02")
    assert result.unconfirmed == ()
    assert not result.depends_on_unconfirmed
    assert "Not confirmed" not in " ".join(explained(result))


def test_an_extension_is_the_same_as_a_longer_limit():
    for jurisdiction, kind in (("BC", BUSINESS), ("QC", CALENDAR), ("ON", BUSINESS)):
        extended = compute_due_date(
            received_on=d("2026-11-02"), limit=TimeLimit(30, kind, jurisdiction), extension_days=15
        )
        longer = compute_due_date(
            received_on=d("2026-11-02"), limit=TimeLimit(45, kind, jurisdiction)
        )
        assert extended.due_on == longer.due_on
        assert extended.total_days == 45


def test_an_unpaid_fee_puts_the_request_on_hold():
    # BC, received Mon Mar 2, estimate Mon Mar 9, not paid: days 1-4 counted, then on hold.
    result = compute_due_date(
        received_on=d("2026-03-02"),
        limit=TimeLimit(30, BUSINESS, "BC"),
        pauses=[Pause(d("2026-03-09"))],
    )
    assert result.due_on is None
    assert result.on_hold_since == d("2026-03-09")
    assert not result.is_overdue(d("2027-01-01"))
    assert "On hold since Monday 9 March 2026" in explained(result)[-1]


def test_a_pause_after_the_due_date_changes_nothing():
    # ON, 30 calendar days from Fri May 1: Sun May 31 -> Mon Jun 1; estimate sent later.
    limit = TimeLimit(30, CALENDAR, "ON")
    late = compute_due_date(
        received_on=d("2026-05-01"), limit=limit, pauses=[Pause(d("2026-06-05"), d("2026-06-10"))]
    )
    assert late.due_on == d("2026-06-01")
    assert late.paused_days == ()


def test_the_explanation_shows_each_step_of_a_business_day_count():
    # BC fee-estimate case from the table: due Fri May 1.
    result = compute_due_date(
        received_on=d("2026-03-02"),
        limit=TimeLimit(30, BUSINESS, "BC"),
        extension_days=0,
        pauses=[Pause(d("2026-03-09"), d("2026-03-24"))],
    )
    assert result.start_on == d("2026-03-03")
    assert [(n.day, n.name) for n in result.skipped_holidays] == [
        (d("2026-04-03"), "Good Friday"),
        (d("2026-04-06"), "Easter Monday"),
    ]
    assert len(result.paused_days) == 16  # Mar 9-24, weekends included
    # Weekends outside the pause between Mar 3 and May 1: Mar 7-8, Mar 28-29, Apr 4-5,
    # Apr 11-12, Apr 18-19, Apr 25-26.
    assert len(result.skipped_weekends) == 12
    text = "\n".join(explained(result))
    assert (
        "Received Monday 2 March 2026; counting starts the next day, Tuesday 3 March 2026." in text
    )
    assert "Time limit: 30 business days." in text
    assert "Not counted: Friday 3 April 2026, Good Friday." in text
    assert (
        "Clock stopped for a fee estimate from Monday 9 March 2026 to Tuesday 24 March 2026" in text
    )
    assert "Due Friday 1 May 2026." in text


def test_the_explanation_shows_how_a_calendar_due_date_moved():
    # Federal Good Friday case from the table.
    result = compute_due_date(
        received_on=d("2026-03-04"), limit=TimeLimit(30, CALENDAR, "CA"), extension_days=0
    )
    assert result.counted_through == d("2026-04-03")
    assert [(n.day, n.kind, n.unconfirmed) for n in result.moved_past] == [
        (d("2026-04-03"), "holiday", False),
        (d("2026-04-04"), "saturday", True),
        (d("2026-04-05"), "sunday", False),
        (d("2026-04-06"), "holiday", False),
    ]
    assert [n.day for n in result.unconfirmed] == [d("2026-04-04")]
    text = "\n".join(explained(result))
    assert "Day 30 is Friday 3 April 2026." in text
    assert "Friday 3 April 2026: Good Friday, so the due date moves to the next day." in text
    assert "Saturday 4 April 2026: Saturday (a holiday under the statute) (not confirmed)" in text
    assert "The other reading gives Saturday 4 April 2026." in text


def test_the_explanation_mentions_the_extension():
    result = compute_due_date(
        received_on=d("2026-12-02"), limit=TimeLimit(20, CALENDAR, "QC"), extension_days=10
    )
    assert "Time limit: 20 calendar days + an extension of 10 = 30 calendar days." in (
        explained(result)
    )


@pytest.mark.parametrize(
    ("today", "overdue"),
    [("2026-04-06", False), ("2026-04-07", False), ("2026-04-08", True)],
)
def test_a_request_is_overdue_the_day_after_its_due_date(today, overdue):
    assert is_overdue(d("2026-04-07"), d(today)) is overdue
    assert is_overdue(None, d(today)) is False


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimeLimit(0, CALENDAR, "ON"),
        lambda: TimeLimit(30, "weekdays", "ON"),
        lambda: Pause(d("2026-03-10"), d("2026-03-09")),
        lambda: compute_due_date(received_on=d("2026-03-02"), limit=TimeLimit(30, BUSINESS, "XX")),
        lambda: compute_due_date(
            received_on=d("2026-03-02"), limit=TimeLimit(30, BUSINESS, "ON"), purpose="review"
        ),
        lambda: compute_due_date(
            received_on=d("2026-03-02"), limit=TimeLimit(30, BUSINESS, "ON"), extension_days=-1
        ),
    ],
    ids=[
        "no-days",
        "bad-kind",
        "pause-backwards",
        "unknown-jurisdiction",
        "bad-purpose",
        "neg-ext",
    ],
)
def test_it_rejects_bad_input(make):
    with pytest.raises(ValueError):
        make()


# --- The rules data -----------------------------------------------------------------------


def test_the_rules_cover_every_jurisdiction_with_sources():
    rules = all_rules()
    assert set(rules) == set(JURISDICTIONS)
    for jurisdiction, row in rules.items():
        assert row.source_urls, jurisdiction
        assert "sunday" in row.holidays, jurisdiction
        assert row.statute, jurisdiction


def test_the_rules_record_the_statutes_choices():
    assert rules_for("QC").saturday_is_holiday == "no"
    assert rules_for("QC").moves_past_saturday == "unconfirmed"
    assert rules_for("BC").office_closed_rule == "yes"
    assert rules_for("ON").office_closed_rule == "unconfirmed"
    assert [r.key for r in rules_for("ON").unconfirmed_observed_rules] == [
        "christmas_day_friday_to_monday"
    ]
    assert "family_day" in rules_for("BC").unconfirmed_holidays
    assert "fete_nationale" in rules_for("QC").holidays
    assert "easter_monday" not in rules_for("NL").holidays + rules_for("NL").unconfirmed_holidays


def _write_rules(tmp_path, **changes):
    with open(RULES_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(changes)
    path = tmp_path / "rules.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"holidays": "sunday;st_swithins_day"}, "unknown holiday"),
        ({"holidays": "new_years_day"}, "Sunday"),
        ({"saturday_is_holiday": "maybe"}, "saturday_is_holiday"),
        ({"observed_rules": "christmas_day_someday_to_monday"}, "observed-day rule"),
        ({"observed_rules": "family_day_sunday_to_monday"}, "does not list"),
        ({"source_urls": ""}, "source_urls"),
    ],
)
def test_bad_rules_data_is_refused_with_the_row(tmp_path, changes, message):
    with pytest.raises(ValueError, match=message) as error:
        load_rules(_write_rules(tmp_path, **changes))
    assert "line 2 (CA)" in str(error.value)


def test_the_project_rules_file_loads_cleanly(tmp_path):
    assert set(load_rules(_write_rules(tmp_path))) == set(JURISDICTIONS)


def test_every_day_the_engine_names_is_said_in_french_too():
    import inspect

    from requests_app import deadlines
    from requests_app.deadline_text import DAY_NAMES, day_name

    names = {d.name for d in deadlines.HOLIDAY_DEFS.values()}
    names |= set(re.findall(r'"((?:Sunday|Saturday) \([^"]*\))"', inspect.getsource(deadlines)))
    assert names - set(DAY_NAMES) == set()
    with translation.override("fr"):
        assert day_name("Christmas Day / Boxing Day") == "Noël / Lendemain de Noël"
        assert day_name("Sunday (a holiday)") == "dimanche (jour férié)"
