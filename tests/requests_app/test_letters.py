"""Request letters: the right law and sections, both languages, downloads, permissions."""

import io
from datetime import date

import pytest
from django.test import Client

from requests_app.letters import LetterRequest, letter_render, section
from requests_app.models import AccessRequest, Campaign, LetterTemplate, PoliceService
from requests_app.services.claims import claim_create


def letter_for(slug, language=None, **overrides):
    from requests_app.letters import default_language

    service = PoliceService.objects.select_related("regime").get(slug=slug)
    campaign = Campaign.objects.get(slug="alpr-records")
    values = {
        "campaign": campaign,
        "service": service,
        "categories": list(campaign.categories.all()),
        "records_from": date(2019, 1, 1),
        "records_to": date(2026, 11, 26),
        "language": language or default_language(service),
        "requester_name": "Jeanne Tremblay",
        "requester_contact": "jeanne@example.org\n123 rue Principale",
        "today": date(2026, 11, 26),
    }
    values.update(overrides)
    return letter_render(LetterRequest(**values))


def test_a_section_reference_is_never_an_unconfirmed_one():
    assert section("s.4(1)") == "4(1)"
    assert section("s.47 (20 days)") == "47"
    assert section("s.6; Access to Information Regulations (SOR/83-507) s.4") == "6"
    assert section("UNCONFIRMED") == ""
    assert section("s.20 (UNCONFIRMED)") == ""


def test_an_ontario_letter_names_the_law_its_sections_and_asks_for_a_fee_waiver(alpr):
    text = letter_for("toronto-police-service")
    assert "Municipal Freedom of Information and Protection of Privacy Act" in text
    assert "section 4(1)" in text
    assert "fees be waived under section 45(4)" in text
    assert "(section 19: 45 business days)" in text
    assert "between 1 January 2019 and 26 November 2026" in text
    assert "electronic form" in text
    for category in alpr.categories.all():
        assert category.wording_en in text
    assert "Jeanne Tremblay" in text and "123 rue Principale" in text


def test_unconfirmed_sections_are_left_out_not_guessed(alpr):
    # Alberta's ATIA: right of access, time limit and fee waiver sections are UNCONFIRMED.
    text = letter_for("calgary-police-service")
    assert "UNCONFIRMED" not in text
    assert "Access to Information Act" in text
    assert "section " not in text.split("Dear")[1].split("I request")[0]
    assert "fees be waived" not in text
    assert "please send me an estimate" in text


def test_a_quebec_letter_is_in_french_by_default(alpr):
    text = letter_for("service-de-police-de-la-ville-de-montreal")
    assert text.startswith("Le 26 novembre 2026")
    assert "Loi sur l'accès aux documents des organismes publics" in text
    assert "article 9" in text
    for category in alpr.categories.all():
        assert category.wording_fr in text
    english = letter_for("service-de-police-de-la-ville-de-montreal", language="en")
    assert "Dear Freedom of Information Coordinator" in english


def test_an_organizers_template_replaces_the_default_for_its_regime(alpr):
    from requests_app.models import AccessRegime

    LetterTemplate.objects.create(
        regime=AccessRegime.objects.get(code="ON-MFIPPA"),
        language="en",
        body="To {{ service_name }}: under the {{ law_name }} I ask for {{ categories|length }} kinds of records. {{ requester_name }}",
    )
    assert letter_for("toronto-police-service") == (
        "To Toronto Police Service: under the Municipal Freedom of Information and "
        "Protection of Privacy Act I ask for 6 kinds of records. Jeanne Tremblay\n"
    )
    assert "Dear" in letter_for("vancouver-police-department")  # other regimes keep theirs


@pytest.fixture
def alices_target(alice, alpr):
    service = PoliceService.objects.get(slug="toronto-police-service")
    claim_create(campaign=alpr, service=service, volunteer=alice)
    return service


def letter_post(client, service, **extra):
    data = {
        "campaign": "alpr-records",
        "categories": [c.pk for c in Campaign.objects.get(slug="alpr-records").categories.all()][
            :2
        ],
        "records_from": "2020-01-01",
        "records_to": "2026-11-01",
        "language": "en",
        "requester_name": "Alice Example",
        "requester_contact": "alice@example.org",
        **extra,
    }
    return client.post(f"/services/{service.slug}/letter/", data)


def test_the_claimant_gets_the_letter_to_copy_download_and_mail(client, alice, alices_target):
    client.force_login(alice)
    page = letter_post(client, alices_target)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Toronto Police Service" in page.context["text"]
    assert 'data-copy="letter-text"' in html
    assert page.context["mailto"] == "" or page.context["mailto"].startswith("mailto:")
    assert AccessRequest.objects.count() == 0  # showing a letter stores nothing

    text = letter_post(client, alices_target, download="txt")
    assert text["Content-Type"].startswith("text/plain")
    assert b"Alice Example" in text.content
    word = letter_post(client, alices_target, download="docx")
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert any("Municipal Freedom of Information" in p for p in paragraphs)


def test_a_mailto_link_appears_when_the_foi_address_is_known(client, alice, alpr):
    service = PoliceService.objects.get(slug="york-regional-police")
    claim_create(campaign=alpr, service=service, volunteer=alice)
    client.force_login(alice)
    assert letter_post(client, service).context["mailto"].startswith("mailto:foi@yrp.ca?subject=")


def test_bad_letter_input_gets_a_message(client, alice, alices_target):
    client.force_login(alice)
    page = letter_post(client, alices_target, records_from="2026-11-01", records_to="2020-01-01")
    assert page.context["form"].errors["records_to"]
    assert page.context["text"] == ""


def test_only_people_on_the_target_and_organizers_get_its_letter(
    client, bob, olivia, alices_target
):
    url = f"/services/{alices_target.slug}/letter/?campaign=alpr-records"
    assert Client().get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(olivia)
    assert client.get(url).status_code == 200


def test_a_letter_where_no_law_is_confirmed_cites_none_and_asks_which_applies(alpr):
    text = letter_for("blood-tribe-police-service")
    assert "UNCONFIRMED" not in text
    assert "No statutory access regime" not in text
    assert "Please tell me which access-to-information law or policy applies" in text
    assert "within the time limit set by the Act" not in text


def test_each_language_gets_its_own_citation_and_french_dates(alpr):
    english = letter_for("toronto-police-service")
    assert "(R.S.O. 1990, c. M.56)" in english
    assert "L.R.O." not in english
    french = letter_for("toronto-police-service", language="fr")
    assert "(L.R.O. 1990, chap. M.56)" in french
    assert "le 1er janvier 2019" in french
