"""Filing, status events, derived status and due dates, digests, calendar, permissions."""

from datetime import date, datetime
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from requests_app.models import AccessRequest, PoliceService, RegimeRuleSet
from requests_app.services.claims import claim_create
from requests_app.services.reminders import calendar_token_renew, digests_send
from requests_app.services.requests import (
    RequestError,
    next_statuses,
    request_file,
    request_status_record,
)
from tests import documents
from tests.mail import sent_mail

TORONTO = ZoneInfo("America/Toronto")
TODAY = date(2026, 11, 26)


pytestmark = pytest.mark.usefixtures("frozen_26_november")


def service(slug):
    return PoliceService.objects.select_related("regime").get(slug=slug)


def file_for(volunteer, slug, alpr, **values):
    target = service(slug)
    if not values.pop("skip_claim", False):
        claim_create(campaign=alpr, service=target, volunteer=volunteer)
    values.setdefault("filed_on", date(2026, 11, 2))
    return request_file(campaign=alpr, service=target, volunteer=volunteer, **values)


def step(request, status, day, by, **extra):
    return request_status_record(
        request=request, status=status, occurred_on=day, by=by, today=TODAY, **extra
    )


# --- Rule set in force on the day received ---------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "kind", "due"),
    [
        # 30 calendar days: day 1 is 1 July, day 30 is Thursday 30 July 2026.
        (date(2026, 6, 30), 30, "calendar", date(2026, 7, 30)),
        # 45 business days from Friday 3 July (no Ontario statutory holiday in July-August;
        # Civic Holiday is not one under the Legislation Act): 21 in July, 21 in August,
        # then 1, 2, 3 September.
        (date(2026, 7, 2), 45, "business", date(2026, 9, 3)),
    ],
)
def test_an_ontario_request_keeps_the_rules_of_the_day_it_was_received(
    alice, alpr, received, days, kind, due
):
    alpr.starts_on = date(2026, 1, 1)  # a request logged from before the campaign opened
    alpr.save()
    with time_machine.travel(datetime(2026, 9, 30, 12, tzinfo=TORONTO), tick=False):
        request = file_for(alice, "toronto-police-service", alpr, filed_on=received)
    assert (request.rule_set.response_days, request.rule_set.day_kind) == (days, kind)
    assert request.due_on == due
    # A later edit to the directory's rules never moves an existing request's deadline.
    RegimeRuleSet.objects.filter(pk=request.rule_set_id).update(response_days=10)
    step(request, "acknowledged", date(2026, 9, 30), alice)
    request.refresh_from_db()
    assert request.due_on == due


def test_the_deadline_counts_from_the_day_received(alice, alpr):
    # Federal, mailed 2 Nov and received 9 Nov: 30 calendar days -> Wednesday 9 December.
    request = file_for(
        alice, "rcmp-e-division-british-columbia", alpr,
        filed_on=date(2026, 11, 2), received_on=date(2026, 11, 9),
    )  # fmt: skip
    assert request.due_on == date(2026, 12, 9)
    assert [e.status for e in request.events.all()] == ["filed"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"filed_on": date(2026, 11, 27)}, "cannot be in the future"),
        ({"received_on": date(2026, 11, 1)}, "before it was sent"),
        ({"records_from": date(2026, 1, 1), "records_to": date(2025, 1, 1)}, "ends before"),
    ],
)
def test_a_bad_filing_gets_a_message_and_stores_nothing(alice, alpr, values, message):
    with pytest.raises(RequestError, match=message):
        file_for(alice, "toronto-police-service", alpr, **values)
    assert AccessRequest.objects.count() == 0


def test_only_people_on_the_target_or_organizers_can_file(alice, bob, olivia, alpr):
    from django.core.exceptions import PermissionDenied

    claim_create(campaign=alpr, service=service("toronto-police-service"), volunteer=alice)
    with pytest.raises(PermissionDenied):
        file_for(bob, "toronto-police-service", alpr, skip_claim=True)
    assert file_for(olivia, "toronto-police-service", alpr, skip_claim=True).volunteer == olivia


# --- The state machine -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "next_status", "allowed"),
    [
        (["drafted"], "full_release", False),  # a release before filing is impossible
        (["drafted"], "filed", True),
        (["filed"], "acknowledged", True),
        (["filed"], "filed", False),
        (["filed"], "fee_paid", False),  # nothing to pay before an estimate
        (["filed", "fee_estimate"], "fee_paid", True),
        (["filed", "fee_estimate"], "fee_waiver_refused", True),
        (["filed", "fee_estimate", "fee_waiver_refused"], "fee_paid", True),
        (["filed", "fee_estimate", "extended"], "fee_paid", True),  # still owed after a step
        (["filed", "fee_estimate", "fee_paid", "extended"], "fee_paid", False),
        (["filed", "extended"], "fee_paid", False),
        (["filed", "acknowledged"], "extended", True),
        (["filed", "extended"], "extended", True),
        (["filed"], "transferred", True),
        (["filed"], "partial_release", True),
        (["filed", "partial_release"], "full_release", True),
        (["filed", "full_release"], "refused", False),
        (["filed", "full_release"], "closed", True),
        (["filed", "refused"], "partial_release", True),
        (["filed", "no_records"], "closed", True),
        (["filed"], "abandoned", True),
        (["filed", "abandoned"], "acknowledged", False),
        (["filed", "closed"], "acknowledged", False),
        (["filed"], "closed", False),
    ],
)
def test_transitions(history, next_status, allowed):
    assert (next_status in next_statuses(history)) is allowed


def test_an_impossible_step_is_refused_with_a_message(alice, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    step(request, "full_release", date(2026, 11, 20), alice)
    with pytest.raises(RequestError, match="“Refused” cannot follow “Full release”"):
        step(request, "refused", date(2026, 11, 21), alice)
    assert request.events.count() == 2


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 11, 27), "in the future"),
        (date(2026, 11, 1), "before the request was filed"),
    ],
)
def test_a_step_cannot_be_dated_in_the_future_or_before_filing(alice, alpr, day, message):
    request = file_for(alice, "toronto-police-service", alpr)
    with pytest.raises(RequestError, match=message):
        step(request, "acknowledged", day, alice)


def test_a_step_may_be_backdated_but_not_before_the_previous_one(alice, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    step(request, "acknowledged", date(2026, 11, 10), alice)
    with pytest.raises(RequestError, match="before the previous one"):
        step(request, "extended", date(2026, 11, 5), alice, extension_days=10)
    event = step(request, "extended", date(2026, 11, 12), alice, extension_days=10, note="s.20")
    assert event.logged_at.date() == TODAY
    assert event.occurred_on == date(2026, 11, 12)


def test_the_status_and_due_date_follow_the_events(alice, alpr):
    # BC: 30 business days from Tuesday 3 November 2026 (Remembrance Day, 11 Nov, is a holiday).
    # Counting from 4 Nov: 4-6 (3), 9-10 (5), 12-13 (7), 16-20 (12), 23-27 (17), 30 Nov-4 Dec (22),
    # 7-11 (27), 14-16 Dec (30): due Wednesday 16 December.
    request = file_for(alice, "vancouver-police-department", alpr, filed_on=date(2026, 11, 3))
    assert (request.status, request.due_on) == ("filed", date(2026, 12, 16))

    step(request, "extended", date(2026, 11, 20), alice, extension_days=30, section_cited="s.10")
    request.refresh_from_db()
    # 60 business days: after day 30 (16 Dec) come 17-18 Dec (32), 21-24 (36); 25 Dec is
    # Christmas; Boxing Day falls on Saturday and BC has no in-lieu day, so Monday 28 counts:
    # 28-31 (40); 1 Jan is a holiday; 4-8 Jan (45), 11-15 (50), 18-22 (55), 25-29 (60).
    assert request.status == "extended"
    assert request.due_on == date(2027, 1, 29)

    step(request, "partial_release", date(2026, 11, 25), alice)
    request.refresh_from_db()
    assert request.status == "partial_release"
    assert request.is_open() is False
    assert request.appeal_due_on is not None  # 30 business days to ask for a review


def test_a_fee_estimate_stops_the_clock_until_payment(alice, alpr):
    # Ontario before Bill 97 is not needed: the 45-business-day rule stops for an estimate
    # (unconfirmed, so a response takes the later reading).
    request = file_for(alice, "toronto-police-service", alpr, filed_on=date(2026, 11, 2))
    # 45 business days from 3 Nov, skipping Remembrance Day (an Ontario holiday), Christmas,
    # 28 Dec (Boxing Day falls on a Saturday; the Monday is an unconfirmed holiday, so an answer
    # takes the later reading) and New Year's Day: Friday 8 January 2027.
    assert request.due_on == date(2027, 1, 8)
    step(request, "fee_estimate", date(2026, 11, 10), alice, amount=Decimal("60.00"))
    request.refresh_from_db()
    assert request.due_on is None  # on hold until paid
    step(request, "fee_paid", date(2026, 11, 17), alice, amount=Decimal("60.00"))
    request.refresh_from_db()
    assert request.fees_paid == Decimal("60.00")
    # The clock stopped 10-17 Nov: five business days (10, 12, 13, 16, 17; the 11th is a
    # holiday anyway) are not counted, so the answer is due five business days later.
    assert request.due_on == date(2027, 1, 15)


def test_an_overdue_request_is_a_deemed_refusal_where_the_law_says_so(alice, alpr):
    request = file_for(alice, "toronto-police-service", alpr, filed_on=date(2026, 7, 2))
    assert request.due_on == date(2026, 9, 3)
    assert request.is_overdue(TODAY)
    assert request.is_deemed_refusal(TODAY)


def test_extensions_and_transfers_need_their_details(alice, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    with pytest.raises(RequestError, match="extension in days or the new due date"):
        step(request, "extended", date(2026, 11, 20), alice)
    with pytest.raises(RequestError, match="which body"):
        step(request, "transferred", date(2026, 11, 20), alice)
    step(request, "extended", date(2026, 11, 20), alice, new_due_on=date(2027, 2, 1))
    request.refresh_from_db()
    assert request.due_on == date(2027, 2, 1)  # the date the police service gave


def test_events_are_append_only(alice, alpr):
    from django.core.exceptions import ValidationError

    event = file_for(alice, "toronto-police-service", alpr).events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


# --- Pages and permissions -----------------------------------------------------------------------


def test_the_request_page_is_for_its_volunteers_and_organizers(client, alice, bob, olivia, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    url = request.get_absolute_url()
    # Anyone else gets the public page: no working details, no form.
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        assert page.templates[0].name == "requests_app/request_public.html"
        assert "How the due date was worked out" not in page.content.decode()
    response = client.post(url, {"status": "acknowledged", "occurred_on": "2026-11-20"})
    assert response.status_code == 404
    assert request.events.count() == 1
    client.force_login(olivia)
    assert client.get(url).status_code == 200
    client.force_login(alice)
    page = client.get(url)
    assert "How the due date was worked out" in page.content.decode()


def test_a_volunteer_logs_a_step_with_an_attachment_from_the_page(client, alice, bob, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    client.force_login(alice)
    letter = SimpleUploadedFile(
        "ack.pdf", documents.pdf(["Acknowledgement"]), content_type="application/pdf"
    )
    response = client.post(
        request.get_absolute_url(),
        {
            "status": "acknowledged",
            "occurred_on": "2026-11-20",
            "note": "Ref 26-123",
            "attachment": letter,
        },
    )
    assert response.status_code == 302
    event = request.events.get(status="acknowledged")
    url = f"{request.get_absolute_url()}events/{event.pk}/attachment/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="request-{request.pk}-step-{event.pk}.pdf"' in response["Content-Disposition"]
    assert event.attachment_name == "ack.pdf"
    client.force_login(bob)
    assert client.get(url).status_code == 404

    client.force_login(alice)
    response = client.post(
        request.get_absolute_url(), {"status": "closed", "occurred_on": "2026-11-21"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors  # "closed" is not offered right after acknowledgement


@pytest.mark.parametrize(
    ("slug", "language", "label", "history"),
    [
        ("surete-du-quebec", "en", "Extension (calendar days)", "10 more calendar days"),
        ("toronto-police-service", "en", "Extension (business days)", "10 more business days"),
        ("surete-du-quebec", "fr", "Prorogation (jours civils)", "10 jours civils de plus"),
    ],
)
def test_the_extension_is_asked_and_shown_in_the_kind_of_days_of_the_requests_law(
    client, alice, alpr, slug, language, label, history
):
    request = file_for(alice, slug, alpr)
    step(request, "extended", date(2026, 11, 20), alice, extension_days=10)
    client.force_login(alice)
    prefix = "/fr" if language == "fr" else ""
    page = client.get(prefix + request.get_absolute_url()).content.decode()
    assert f'<label for="id_extension_days">{label}' in page
    assert history in page


def test_a_step_keeps_only_the_details_its_kind_of_step_uses(client, alice, alpr):
    # Without scripts the form shows every field; what the step does not use is dropped.
    request = file_for(alice, "toronto-police-service", alpr)
    client.force_login(alice)
    details = {"amount": "25.00", "transferred_to": "OPP", "extension_days": "5"}
    client.post(
        request.get_absolute_url(),
        {"status": "acknowledged", "occurred_on": "2026-11-20", **details},
    )
    client.post(
        request.get_absolute_url(),
        {"status": "fee_estimate", "occurred_on": "2026-11-21", **details},
    )
    acknowledged, estimate = request.events.exclude(status="filed").order_by("pk")
    assert (acknowledged.amount, acknowledged.transferred_to, acknowledged.extension_days) == (
        None,
        "",
        None,
    )
    assert (estimate.amount, estimate.transferred_to, estimate.extension_days) == (
        Decimal("25.00"),
        "",
        None,
    )


def test_the_claimant_files_from_the_letter_page(client, alice, alpr):
    target = service("toronto-police-service")
    claim_create(campaign=alpr, service=target, volunteer=alice)
    client.force_login(alice)
    response = client.post(
        f"/services/{target.slug}/file/",
        {
            "campaign": "alpr-records", "filed_on": "2026-11-02", "method": "email",
            "categories": [c.pk for c in alpr.categories.all()], "letter_language": "en",
            "letter_text": "Dear coordinator...", "records_from": "2019-01-01",
            "records_to": "2026-11-02",
        },
    )  # fmt: skip
    request = AccessRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()
    assert request.categories.count() == 6
    me = client.get("/me/").context["targets"][0]
    assert me["action"].text == "Waiting until the due date"
    assert me["action"].deadline == request.due_on


def test_the_due_date_command(capsys, directory):
    call_command("due_date", "ON-MFIPPA", "2026-06-30")
    assert capsys.readouterr().out.strip() == "2026-07-30"
    call_command("due_date", "ON-MFIPPA", "2026-07-02")
    assert capsys.readouterr().out.strip() == "2026-09-03"
    # Federal 1 Dec 2026 + 30 + 30: 30 Jan 2027 is a Saturday; the office-closed reading
    # (unconfirmed) gives a response the later date, Monday 1 February.
    call_command("due_date", "CA-FED-ATIA", "2026-12-01", "--extension", "30")
    assert capsys.readouterr().out.strip() == "2027-02-01"
    call_command("due_date", "BC-FIPPA", "2026-11-03", "--explain")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2026-12-16"
    assert any("Remembrance Day" in line for line in out)
    for args, message in [
        (["XX-NOPE", "2026-01-01"], "Unknown regime code"),
        (["ON-MFIPPA", "2026-02-30"], "YYYY-MM-DD"),
        (["NU-ATIPPA", "2026-01-01"], "not confirmed"),
        (["ON-MFIPPA", "2026-01-01", "--extension", "-3"], "zero or more"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("due_date", *args)


# --- Digest and calendar ----------------------------------------------------------------------------


def test_the_daily_digest_goes_once_per_volunteer_per_day(alice, bob, alpr):
    # Due 3 Dec (federal, received 3 Nov): within 3 days of 30 Nov.
    file_for(alice, "rcmp-e-division-british-columbia", alpr, filed_on=date(2026, 11, 3))
    file_for(alice, "rcmp-k-division-alberta", alpr, filed_on=date(2026, 11, 3))
    assert digests_send(today=date(2026, 11, 20)) == []
    assert digests_send(today=date(2026, 11, 30)) == [alice.pk]
    assert len(sent_mail()) == 1
    assert sent_mail()[0].to == ["alice@example.org"]
    assert "2 requests need you today" in sent_mail()[0].subject
    assert "due 3 December 2026" in sent_mail()[0].body
    assert digests_send(today=date(2026, 11, 30)) == []
    assert len(sent_mail()) == 1
    # The day after the due date it is overdue.
    assert digests_send(today=date(2026, 12, 4)) == [alice.pk]
    assert "now overdue" in sent_mail()[-1].body


def test_the_private_calendar_feed(client, alice, alpr):
    request = file_for(alice, "rcmp-e-division-british-columbia", alpr, filed_on=date(2026, 11, 3))
    token = calendar_token_renew(alice)
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{request.due_on:%Y%m%d}" in body
    assert "SUMMARY:Answer due: RCMP" in body
    assert client.get("/calendar/not-the-token.ics").status_code == 404

    client.force_login(alice)
    client.post("/me/calendar/", {"action": "revoke"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    client.post("/me/calendar/", {"action": "renew"})
    alice.refresh_from_db()
    assert alice.calendar_token and alice.calendar_token != token


def test_after_a_reassignment_the_new_claimant_works_on_the_request(
    client, alice, bob, olivia, alpr
):
    from requests_app.models import Claim
    from requests_app.services.claims import claim_reassign

    request = file_for(alice, "toronto-police-service", alpr)
    claim = Claim.objects.active().get()
    claim_reassign(claim=claim, to_volunteer=bob, by=olivia, reason="Alice moved away")
    client.force_login(bob)
    assert client.get(request.get_absolute_url()).status_code == 200
    step(request, "acknowledged", date(2026, 11, 20), bob)
    # She filed it but no longer works on the target: she loses access at once (she sees
    # the public page, as anyone does).
    client.force_login(alice)
    page = client.get(request.get_absolute_url())
    assert page.templates[0].name == "requests_app/request_public.html"
    with pytest.raises(PermissionDenied):
        step(request, "extended", date(2026, 11, 21), alice)
    assert request.events.count() == 2


def test_a_target_has_one_request_going_at_a_time(client, alice, alpr):
    request = file_for(alice, "toronto-police-service", alpr)
    target = service("toronto-police-service")
    with pytest.raises(RequestError, match="already logged"):
        request_file(campaign=alpr, service=target, volunteer=alice, filed_on=date(2026, 11, 3))
    client.force_login(alice)
    page = client.get(f"/services/{target.slug}/letter/?campaign=alpr-records")
    assert page.context["open_request"] == request
    assert "Log the request as filed" not in page.content.decode()
    step(request, "abandoned", date(2026, 11, 10), alice)
    again = request_file(
        campaign=alpr, service=target, volunteer=alice, filed_on=date(2026, 11, 12)
    )
    assert AccessRequest.objects.filter(police_service=target).count() == 2
    assert again.status == "filed"


def test_the_request_page_explains_the_due_date_in_the_readers_language(client, alice, alpr):
    request = file_for(alice, "vancouver-police-department", alpr, filed_on=date(2026, 11, 3))
    client.force_login(alice)
    english = client.get(request.get_absolute_url()).context["deadline_steps"]
    assert english[0] == (
        "Received Tuesday 3 November 2026; counting starts the next day, Wednesday 4 November 2026."
    )
    assert "Time limit: 30 business days." in english
    assert "Not counted: Wednesday 11 November 2026, Remembrance Day." in english
    assert english[-1] == "Due Wednesday 16 December 2026."
    french = client.get(f"/fr{request.get_absolute_url()}").context["deadline_steps"]
    assert french[-1] == "Échéance : mercredi 16 décembre 2026."


def test_an_ontario_decision_after_bill_97_gets_the_earliest_appeal_date_flagged(
    client, alice, alpr
):
    # Bill 97 left the appeal window unconfirmed; the earliest reading is the old rule, 30
    # calendar days from the decision (MFIPPA s.39(2)): Friday 20 November 2026 + 30 days is
    # Sunday 20 December, and a time limit ending on a Sunday runs to Monday 21 December.
    request = file_for(alice, "toronto-police-service", alpr, filed_on=date(2026, 11, 2))
    assert request.appeal_window_unconfirmed is True
    step(request, "refused", date(2026, 11, 20), alice)
    request.refresh_from_db()
    assert request.appeal_due_on == date(2026, 12, 21)

    client.force_login(alice)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Appeal by" in page
    assert "this is the earliest date it could fall on" in page

    # A confirmed window (BC: 30 business days to ask for a review) is not flagged.
    bc = file_for(alice, "vancouver-police-department", alpr, filed_on=date(2026, 11, 3))
    assert bc.appeal_window_unconfirmed is False


@pytest.mark.django_db(transaction=True)
def test_filing_twice_at_once_logs_one_request():
    from requests_app.roles import organizer_grant
    from tests.concurrency import at_once
    from tests.factories import CampaignFactory, PoliceServiceFactory, UserFactory

    campaign, target = CampaignFactory(), PoliceServiceFactory()
    organizers = [UserFactory() for _ in range(6)]
    for organizer in organizers:
        organizer_grant(organizer)
    outcomes = at_once(
        [
            partial(
                request_file,
                campaign=campaign,
                service=target,
                volunteer=organizer,
                filed_on=date(2026, 11, 2),
            )
            for organizer in organizers
        ],
        refusals=(RequestError,),
    )
    assert outcomes.count("done") == 1
    assert all("already logged" in o for o in outcomes if o != "done"), outcomes
    assert AccessRequest.objects.filter(campaign=campaign, police_service=target).count() == 1


def test_a_choice_is_shown_by_its_label_in_the_readers_language():
    request = AccessRequest(status="refused")
    service = PoliceService(province="QC", kind="regional", known_alpr="unknown")
    assert (request.get_status_display(), service.get_province_display()) == ("Refused", "Quebec")
    with translation.override("fr"):
        assert request.get_status_display() == "Refusée"
        assert service.get_province_display() == "Québec"
    # A value that is none of the choices (an old row, say) shows as it is, as Django's would.
    assert AccessRequest(status="lost").get_status_display() == "lost"
