"""Corrections from the field: who may propose and decide, what accepting changes, who is
told, and the history every change to the directory keeps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from requests_app.directory_csv import directory_import
from requests_app.models import AccessRegime, Correction, PoliceService
from tests.documents import pdf
from tests.mail import sent_mail

PEEL = "peel-regional-police"
NEW = f"/services/{PEEL}/corrections/new/"
SOURCE = "https://www.peelpolice.ca/reporting-records/information-and-privacy-requests"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def propose(client, **fields):
    data = {
        "fact": "service:foi_email",
        "proposed_value": "foi@peelpolice.example",
        "source_url": SOURCE,
        **fields,
    }
    return client.post(NEW, data)


@pytest.fixture
def alices_correction(client, alice, directory):
    client.force_login(alice)
    propose(client)
    client.logout()
    return Correction.objects.get()


@pytest.fixture
def lettered(client, alice, directory):
    """A correction whose source is a letter from the service."""
    client.force_login(alice)
    letter = SimpleUploadedFile("reply from Peel.pdf", pdf(["Send requests to our unit"]))
    propose(client, source_url="", letter=letter)
    client.logout()
    return Correction.objects.get()


def test_anonymous_people_are_sent_to_sign_in(client, directory):
    assert client.get(NEW).status_code == 302
    assert propose(client).status_code == 302
    assert not Correction.objects.exists()
    page = client.get(f"/services/{PEEL}/").content.decode()
    assert "Propose a correction" in page and "(sign in first)" in page


def test_a_volunteer_proposes_and_nothing_changes_until_review(client, alice, directory):
    client.force_login(alice)
    form = client.get(NEW)
    assert form.status_code == 200
    assert "What is on record now" in form.content.decode()
    response = propose(client)
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.status, correction.proposed_by) == ("pending", alice)
    assert (correction.current_value, correction.proposed_value) == ("", "foi@peelpolice.example")
    assert PoliceService.objects.get(slug=PEEL).foi_email == ""


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"proposed_value": "not an address"}, "Enter a valid email address."),
        ({"source_url": ""}, "Give a source"),
        ({"fact": "service:slug"}, "Select a valid choice"),
        ({"fact": "regime:application_fee", "proposed_value": "5.00"}, "already the value"),
    ],
)
def test_a_proposal_needs_a_valid_value_and_a_source(client, alice, directory, fields, message):
    client.force_login(alice)
    response = propose(client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Correction.objects.exists()


def test_a_letter_is_checked_by_its_content(client, alice, directory):
    client.force_login(alice)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 a program, not a letter")
    response = propose(client, source_url="", letter=fake)
    assert "not a PDF, an image or an e-mail" in response.content.decode()
    assert not Correction.objects.exists()


def test_the_letter_is_served_only_to_its_proposer_and_organizers(
    client, alice, bob, olivia, lettered
):
    url = f"/corrections/{lettered.pk}/letter/"
    assert lettered.letter.kind == "pdf" and lettered.letter_name == "reply from Peel.pdf"
    assert not lettered.letter.file.name.endswith("reply from Peel.pdf")  # a generated name
    assert Client().get(url).status_code == 302
    for person, status in [(bob, 404), (alice, 200), (olivia, 200)]:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_only_organizers_see_the_queue_and_decide(client, alice, bob, olivia, alices_correction):
    decide = f"/corrections/{alices_correction.pk}/decide/"
    assert Client().get("/corrections/").status_code == 302
    for volunteer in (alice, bob):
        client.force_login(volunteer)
        assert client.get("/corrections/").status_code == 403
        assert client.post(decide, {"decision": "accept"}).status_code == 403
    assert Correction.objects.get().status == "pending"

    client.force_login(olivia)
    queue = client.get("/corrections/").content.decode()
    assert "foi@peelpolice.example" in queue
    assert "On record now" in queue and "Proposed" in queue


def test_accepting_applies_the_value_with_its_source_and_tells_the_proposer(
    client, olivia, alice, alices_correction, django_capture_on_commit_callbacks
):
    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/corrections/{alices_correction.pk}/decide/", {"decision": "accept"}
        )
    assert response.status_code == 302
    peel = PoliceService.objects.get(slug=PEEL)
    assert peel.foi_email == "foi@peelpolice.example"
    assert peel.foi_email_source == SOURCE
    assert peel.foi_email_checked == timezone.localdate()
    correction = Correction.objects.get()
    assert (correction.status, correction.decided_by) == ("accepted", olivia)
    assert [m.to for m in sent_mail()] == [[alice.email]]
    assert "is accepted" in sent_mail()[0].subject

    latest = peel.history.first()
    assert latest.history_user == olivia
    assert latest.history_change_reason == f"correction #{correction.pk} accepted"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["foi_email"] == ("", "foi@peelpolice.example")

    again = client.post(f"/corrections/{correction.pk}/decide/", {"decision": "accept"})
    assert "already been decided" in client.get(again["Location"]).content.decode()


def test_rejecting_needs_a_reason_which_the_proposer_is_sent(
    client, olivia, alice, alices_correction, django_capture_on_commit_callbacks
):
    client.force_login(olivia)
    decide = f"/corrections/{alices_correction.pk}/decide/"
    client.post(decide, {"decision": "reject"})
    assert Correction.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "reject", "reason": "That address is for City records."})
    assert Correction.objects.get().status == "rejected"
    assert PoliceService.objects.get(slug=PEEL).foi_email == ""
    assert "That address is for City records." in sent_mail()[0].body


def test_the_french_text_of_a_fact_is_corrected_with_the_facts_source(
    client, alice, olivia, directory
):
    client.force_login(alice)
    french = "Les demandes se font par la poste ou en personne à la 11e Division."
    propose(client, fact="service:filing_warnings_fr", proposed_value=french)
    correction = Correction.objects.get()
    client.force_login(olivia)
    client.post(f"/corrections/{correction.pk}/decide/", {"decision": "accept"})
    peel = PoliceService.objects.get(slug=PEEL)
    assert peel.filing_warnings_fr == french
    assert (peel.filing_warnings_source, peel.filing_warnings_checked) == (
        SOURCE,
        timezone.localdate(),
    )
    assert french in client.get(f"/fr/services/{PEEL}/").content.decode()


def test_a_law_fact_correction_updates_the_regime_and_its_sources(client, alice, olivia, directory):
    client.force_login(alice)
    law_page = "https://www.ontario.ca/laws/statute/90m56"
    propose(
        client,
        fact="regime:requests_go_to_en",
        proposed_value="Write to the board.",
        source_url=law_page,
    )
    correction = Correction.objects.get()
    assert correction.regime.code == "ON-MFIPPA"
    client.force_login(olivia)
    client.post(f"/corrections/{correction.pk}/decide/", {"decision": "accept"})
    regime = AccessRegime.objects.get(code="ON-MFIPPA")
    assert regime.requests_go_to_en == "Write to the board."
    assert law_page in regime.sources
    assert regime.last_verified == timezone.localdate()
    assert regime.history.first().history_user == olivia


def test_a_time_rule_correction_goes_to_the_rule_set_in_force(client, alice, olivia, directory):
    client.force_login(alice)
    propose(client, fact="rule_set:extension_rule", proposed_value="30 more days, with notice.")
    correction = Correction.objects.get()
    in_force = PoliceService.objects.get(slug=PEEL).regime.rule_set_on(timezone.localdate())
    assert correction.rule_set == in_force
    client.force_login(olivia)
    client.post(f"/corrections/{correction.pk}/decide/", {"decision": "accept"})
    in_force.refresh_from_db()
    assert in_force.extension_rule == "30 more days, with notice."


def test_imports_and_admin_edits_keep_history_for_organizers(client, alice, olivia, directory):
    york = PoliceService.objects.get(slug="york-regional-police")
    directory_import(
        "slug,name_en,kind,province,latitude,longitude,regime_code,website\n"
        f"{york.slug},York Regional Police,regional,ON,{york.latitude},{york.longitude},"
        "ON-MFIPPA,https://www.yrp.ca/en/\n"
    )
    imported = york.history.first()
    assert imported.history_change_reason == "CSV import"
    assert imported.website == "https://www.yrp.ca/en/"

    client.force_login(olivia)
    url = f"/admin/requests_app/policeservice/{york.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name in form.fields
        if (value := form[name].value()) is not False
    }
    data["hq_city"] = "Aurora (47 Don Hillock Drive)"
    assert client.post(url, data).status_code == 302
    edited = york.history.first()
    assert (edited.history_user, edited.hq_city) == (olivia, "Aurora (47 Don Hillock Drive)")
    changes = {c.field: c.new for c in edited.diff_against(edited.prev_record).changes}
    assert changes == {"hq_city": "Aurora (47 Don Hillock Drive)"}

    history = client.get(f"/admin/requests_app/policeservice/{york.pk}/history/")
    assert history.status_code == 200
    assert "CSV import" in history.content.decode()
    client.force_login(alice)
    assert client.get(f"/admin/requests_app/policeservice/{york.pk}/history/").status_code == 302
