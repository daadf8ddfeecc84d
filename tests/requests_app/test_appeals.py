"""Appeals: opening one from a decision or a silence, its filing deadline worked out by the
deadline engine (checked by hand against the statutes), and every stage transition."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from requests_app.models import Appeal, AppealEvent, PoliceService
from requests_app.services.appeals import (
    STAGE_TRANSITIONS,
    AppealError,
    Ground,
    appeal_open,
    appeal_stage_record,
    next_stages,
)
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file, request_status_record
from tests.mail import sent_mail

pytestmark = pytest.mark.usefixtures("frozen_26_november")
TODAY = date(2026, 11, 26)


def filed(volunteer, slug, alpr, filed_on=date(2026, 11, 2)):
    service = PoliceService.objects.get(slug=slug)
    claim_create(campaign=alpr, service=service, volunteer=volunteer)
    return request_file(campaign=alpr, service=service, volunteer=volunteer, filed_on=filed_on)


def refused(request, by, day=date(2026, 11, 20)):
    request_status_record(request=request, status="refused", occurred_on=day, by=by)
    request.refresh_from_db()
    return request


def appeal_date(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("appeal_date", *args, stdout=out)
    return out.getvalue().splitlines()


# --- Deadlines, through the command (the same function as the page) ---------------------


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        # Ontario MFIPPA after Bill 97: window unconfirmed, earliest reading 30 calendar days
        # (s.39(2) before Bill 97): 20 Nov + 30 = Sun 20 Dec, a holiday, so Mon 21 Dec.
        (["ON-MFIPPA", "2026-11-20", "--received", "2026-11-02"], "2026-12-21"),
        # Federal complaint: 60 calendar days (ATIA s.31): 20 Nov + 60 = Tue 19 Jan 2027.
        (["CA-FED-ATIA", "2026-11-20"], "2027-01-19"),
        # BC request for review: 30 business days (s.53(2)(a); the OIPC counts business
        # days) from Fri 20 Nov, without weekends, Christmas (Fri 25 Dec) and New Year's Day
        # (Fri 1 Jan); Boxing Day is a Saturday: day 30 is Tue 5 Jan 2027.
        (["BC-FIPPA", "2026-11-20"], "2027-01-05"),
        # BC: a failure to answer can be reviewed at any time (s.53(3)).
        (["BC-FIPPA", "2026-11-20", "--deemed-refusal"], "none"),
        # Quebec: 30 days from the expiry of the time to answer (s.135): 20 Nov + 30 = Sun
        # 20 Dec, so Mon 21 Dec.
        (["QC-ACCESS", "2026-11-20", "--deemed-refusal"], "2026-12-21"),
    ],
)
def test_the_appeal_date_command(directory, args, last_line):
    assert appeal_date(*args)[-1] == last_line


def test_the_command_explains_and_flags_an_unconfirmed_window(directory):
    lines = appeal_date("ON-MFIPPA", "2026-11-20", "--received", "2026-11-02", "--explain")
    text = "\n".join(lines)
    assert "The decision was received Friday 20 November 2026." in text
    assert "Not confirmed: the sources do not settle this window." in text
    # Before Bill 97 the window was confirmed: no flag.
    text = "\n".join(
        appeal_date("ON-MFIPPA", "2026-06-10", "--received", "2026-05-01", "--explain")
    )
    assert "Not confirmed" not in text
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        appeal_date("ON-MFIPPA", "2026-02-30")
    with pytest.raises(CommandError, match="Unknown regime"):
        appeal_date("XX-NOPE", "2026-02-03")


# --- Opening ---------------------------------------------------------------------------------


def test_a_refusal_is_appealed_with_its_grounds_and_its_deadline(alice, alpr):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(
        request=request,
        by=alice,
        grounds=[Ground("exemption", "s.8(1)(c)", "law enforcement"), Ground("search")],
    )
    assert (appeal.basis, appeal.decision_on, appeal.stage) == (
        "decision",
        date(2026, 11, 20),
        "drafting",
    )
    assert appeal.file_by == date(2026, 12, 21)
    assert [g.kind for g in appeal.grounds.all()] == ["exemption", "search"]
    assert appeal.deadline().unconfirmed  # Ontario's window after Bill 97


def test_an_overdue_request_is_appealed_as_a_deemed_refusal(alice, alpr):
    # Quebec: 20 calendar days from Mon 2 Nov is Sun 22 Nov -> Mon 23 Nov; overdue on 26 Nov.
    request = filed(alice, "service-de-police-de-la-ville-de-quebec", alpr)
    assert request.due_on == date(2026, 11, 23)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("deemed_refusal")])
    assert (appeal.basis, appeal.decision_on) == ("deemed_refusal", date(2026, 11, 23))
    assert appeal.file_by == date(2026, 12, 23)  # 30 days from the last day to answer


def test_what_cannot_be_appealed_and_who_cannot_appeal(alice, bob, olivia, alpr):
    request = filed(alice, "toronto-police-service", alpr)
    with pytest.raises(AppealError, match="can be appealed"):
        appeal_open(request=request, by=alice, grounds=[Ground("search")])
    request = refused(request, alice)
    with pytest.raises(PermissionDenied):
        appeal_open(request=request, by=bob, grounds=[Ground("search")])
    with pytest.raises(AppealError, match="at least one ground"):
        appeal_open(request=request, by=alice, grounds=[])
    with pytest.raises(AppealError, match="section"):
        appeal_open(request=request, by=alice, grounds=[Ground("exemption")])
    assert not Appeal.objects.exists()
    appeal_open(request=request, by=olivia, grounds=[Ground("search")])  # organizers may
    with pytest.raises(AppealError, match="already going"):
        appeal_open(request=request, by=alice, grounds=[Ground("search")])
    assert Appeal.objects.count() == 1


# --- Stages ----------------------------------------------------------------------------------


def test_every_stage_transition(alice, alpr):
    for stage, allowed in STAGE_TRANSITIONS.items():
        assert set(next_stages(stage)) == allowed


def test_stages_are_recorded_in_order_with_their_details(alice, bob, alpr):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])

    def record(stage, day, **extra):
        return appeal_stage_record(appeal=appeal, stage=stage, occurred_on=day, by=alice, **extra)

    with pytest.raises(AppealError, match="cannot follow"):
        record("mediation", date(2026, 11, 24))
    with pytest.raises(AppealError, match="future"):
        record("filed", date(2026, 12, 1))
    with pytest.raises(AppealError, match="before"):
        record("filed", date(2026, 11, 19))
    with pytest.raises(PermissionDenied):
        appeal_stage_record(appeal=appeal, stage="filed", occurred_on=TODAY, by=bob)
    record("filed", date(2026, 11, 24), file_number="MA26-00123")
    record("mediation", date(2026, 11, 25))
    record("adjudication", TODAY)
    with pytest.raises(AppealError, match="outcome"):
        record("order", TODAY)
    record("order", TODAY, outcome="partly_released", order_number="MO-4711")
    record("resolved", TODAY)
    appeal.refresh_from_db()
    assert (appeal.stage, appeal.filed_on, appeal.file_number) == (
        "resolved",
        date(2026, 11, 24),
        "MA26-00123",
    )
    assert (appeal.outcome, appeal.order_number) == ("partly_released", "MO-4711")
    assert [e.stage for e in appeal.events.all()] == [
        "drafting", "filed", "mediation", "adjudication", "order", "resolved",
    ]  # fmt: skip
    with pytest.raises(AppealError, match="cannot follow"):
        record("withdrawn", TODAY)
    event = AppealEvent.objects.first()
    with pytest.raises(Exception, match="append-only"):
        event.save()


# --- Pages and letters ------------------------------------------------------------------------


def letter(client, appeal, language):
    response = client.post(
        f"/appeals/{appeal.pk}/letter/",
        {
            "language": language,
            "requester_name": "Alice A.",
            "requester_contact": "alice@example.org",
            "download": "txt",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="appeal-')
    return response.content.decode()


def test_an_ontario_appeal_opened_from_the_page_and_its_letter(client, alice, alpr):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    client.force_login(alice)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Open the appeal" in page
    response = client.post(
        f"/requests/{request.pk}/appeal/",
        {"grounds": ["exemption", "search"], "exemption_sections": "s.8(1)(c); s.14(1)"},
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert response.redirect_chain[-1][0] == appeal.get_absolute_url()
    assert [(g.kind, g.section) for g in appeal.grounds.all()] == [
        ("exemption", "s.8(1)(c)"), ("exemption", "s.14(1)"), ("search", ""),
    ]  # fmt: skip
    page = response.content.decode()
    assert "Monday 21 December 2026" in page or "21 December 2026" in page
    text = letter(client, appeal, "en")
    assert "I am making an appeal to the Information and Privacy Commissioner of Ontario" in text
    assert "section 39(1)" in text
    assert "withheld under section 8(1)(c)" in text
    assert "I received their decision on 20 November 2026." in text
    assert "I enclose the fee of $25.00." in text and "payable to the Minister of Finance" in text
    assert "UNCONFIRMED" not in text


def test_a_quebec_deemed_refusal_letter_in_french(client, alice, alpr):
    request = filed(alice, "service-de-police-de-la-ville-de-quebec", alpr)
    client.force_login(alice)
    client.post(f"/requests/{request.pk}/appeal/", {"grounds": ["deemed_refusal"]})
    text = letter(client, Appeal.objects.get(), "fr")
    assert "Je présente une demande de révision à la Commission d'accès à l'information" in text
    assert "article 135" in text
    assert "Aucune réponse n'est arrivée au 23 novembre 2026" in text
    assert "répondre à la demande sans autre délai" in text
    assert "une copie de la décision" not in text  # there is none to enclose


def test_only_the_team_and_organizers_work_on_an_appeal(client, alice, bob, olivia, alpr):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    client.force_login(bob)
    assert (
        client.post(f"/requests/{request.pk}/appeal/", {"grounds": ["search"]}).status_code == 404
    )
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import documents

    appeal_stage_record(
        appeal=appeal,
        stage="filed",
        occurred_on=TODAY,
        by=alice,
        attachment=SimpleUploadedFile("ipc-letter.pdf", documents.pdf(["File MA26-1"])),
    )
    event = appeal.events.get(stage="filed")
    urls = [appeal.get_absolute_url(), f"/appeals/{appeal.pk}/events/{event.pk}/attachment/"]
    for url in urls:
        assert client.get(url).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(olivia)
    attachment = client.get(urls[1])
    assert attachment.status_code == 200
    assert attachment["Content-Type"] == "application/pdf"
    assert f'filename="appeal-{appeal.pk}-{event.pk}.pdf"' in attachment["Content-Disposition"]
    assert attachment["X-Content-Type-Options"] == "nosniff"
    # The public page shows the stage, not the team's working details.
    client.logout()
    public = client.get(request.get_absolute_url()).content.decode()
    assert "Filed with the commissioner" in public
    assert "ipc-letter" not in public


def test_the_public_letter_leaves_out_the_volunteers_details(client, alice, alpr):
    service = PoliceService.objects.get(slug="toronto-police-service")
    claim_create(campaign=alpr, service=service, volunteer=alice)
    request = request_file(
        campaign=alpr,
        service=service,
        volunteer=alice,
        filed_on=date(2026, 11, 2),
        letter_text="Dear Coordinator,\nPlease send the records.\n\nAlice Tremblay\n"
        "12 Main St, Toronto\nalice@example.org\n416-555-0199\n",
        requester_name="Alice Tremblay",
        requester_contact="12 Main St, Toronto\nalice@example.org",
    )
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Please send the records." in page
    for private in ("Alice Tremblay", "12 Main St", "alice@example.org", "416-555-0199"):
        assert private not in page


def test_an_appealed_target_shows_its_stage_on_the_directory_service_page_and_map(
    client, alice, alpr, django_capture_on_commit_callbacks
):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    service = request.police_service

    def map_status():
        features = client.get("/api/map/coverage.geojson").json()["features"]
        return next(
            f["properties"] for f in features if f["properties"].get("slug") == service.slug
        )

    assert map_status()["status"] == "filed"  # a draft is not an appeal yet
    with django_capture_on_commit_callbacks(execute=True):
        appeal_stage_record(appeal=appeal, stage="filed", occurred_on=TODAY, by=alice)
    properties = map_status()  # the cached map data went stale with the appeal
    assert (properties["status"], properties["appeal_stage"]) == ("appealed", "filed")
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Appealed" in page and "Filed with the commissioner" in page
    directory = client.get("/directory/?q=toronto").content.decode()
    assert "Filed with the commissioner" in directory


# --- Reminders --------------------------------------------------------------------------------


def test_the_digest_reminds_of_a_drafted_appeals_last_day(alice, alpr):

    from requests_app.services.reminders import digests_send

    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal_open(request=request, by=alice, grounds=[Ground("search")])  # file by 21 Dec
    assert digests_send(today=date(2026, 12, 10)) == []
    assert digests_send(today=date(2026, 12, 15)) == [alice.pk]
    assert "the appeal must be filed by 21 December 2026" in sent_mail()[-1].body


def test_organizers_get_a_weekly_summary_of_open_appeals_by_stage(alice, olivia, alpr):

    from requests_app.services.reminders import appeals_summary_send

    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    appeal_stage_record(appeal=appeal, stage="filed", occurred_on=TODAY, by=alice)
    assert appeals_summary_send(today=date(2026, 11, 30)) == 1
    assert appeals_summary_send(today=date(2026, 11, 30)) == 0  # once a day, whatever runs
    message = sent_mail()[-1]
    assert message.to == ["olivia@example.org"]
    assert "1 open appeal this week" in message.subject
    assert "Filed with the commissioner:\n- Toronto Police Service" in message.body


def test_the_appeal_letter_is_shown_to_copy(client, alice, alpr):
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    client.force_login(alice)
    page = client.post(
        f"/appeals/{appeal.pk}/letter/",
        {"language": "en", "requester_name": "Alice A.", "requester_contact": "a@example.org"},
    )
    assert page.status_code == 200
    assert page.context["letter_text"].startswith("26 November 2026")
    assert 'data-copy="appeal-letter-text"' in page.content.decode()


def test_the_page_of_the_letter_shown_leads_back_to_the_appeal(client, alice, alpr):
    # The letter is shown at /letter/, which writes a letter on POST.
    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    client.force_login(alice)
    page = client.post(
        f"/appeals/{appeal.pk}/letter/",
        {"language": "en", "requester_name": "Alice A.", "requester_contact": "a@example.org"},
    ).content.decode()
    assert f'<form method="post" action="/appeals/{appeal.pk}/" enctype' in page  # a stage
    # The language switcher and the comment forms come back to this address.
    assert client.get(f"/fr/appeals/{appeal.pk}/letter/").url == f"/fr/appeals/{appeal.pk}/"


def test_the_digest_reminds_of_a_date_the_commissioner_set(alice, alpr):

    from requests_app.services.reminders import digests_send

    request = refused(filed(alice, "toronto-police-service", alpr), alice)
    appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
    appeal_stage_record(
        appeal=appeal,
        stage="filed",
        occurred_on=TODAY,
        by=alice,
        commissioner_date=date(2027, 1, 15),
        commissioner_date_for="representations due",
    )
    with pytest.raises(AppealError, match="before this stage"):
        appeal_stage_record(
            appeal=appeal, stage="mediation", occurred_on=TODAY, by=alice,
            commissioner_date=date(2026, 11, 1),
        )  # fmt: skip
    assert digests_send(today=date(2027, 1, 5)) == []
    assert digests_send(today=date(2027, 1, 10)) == [alice.pk]
    assert "the commissioner set 15 January 2027: representations due." in sent_mail()[-1].body
