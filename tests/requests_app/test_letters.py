"""Request letters: the right law and sections, both languages, downloads, permissions."""

import io
from datetime import date
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from requests_app.letters import LetterRequest, letter_render, section, section_phrase
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


def test_french_letters_name_sections_subsections_and_clauses_as_french_statutes_do():
    assert section_phrase("s.4(1)", "en") == "section 4(1)"
    assert section_phrase("s.4(1)", "fr") == "paragraphe 4(1)"
    assert section_phrase("s.9", "fr") == "article 9"
    assert section_phrase("s.17(1)(c)", "fr") == "alinéa 17(1)c)"
    assert section_phrase("UNCONFIRMED", "fr") == ""


def test_an_ontario_letter_states_the_fee_its_section_and_payee_and_the_real_waiver_ground(alpr):
    text = letter_for("ottawa-police-service")
    assert (
        "I am making this request under the Municipal Freedom of Information and Protection of Privacy Act (R.S.O. 1990, c. M.56), section 4(1)."
        in text
    )
    assert (
        "I am paying the application fee of $5.00 (section 17(1)(c) of the Act) by cheque or "
        'money order payable to "Treasurer of the City of Ottawa".'
    ) in text
    assert (
        "If you estimate fees beyond the application fee, I ask you to waive them under section "
        "45(4) of the Act, because dissemination of the records will benefit public health or "
        "safety:"
    ) in text
    assert "public interest" not in text
    assert "(section 19: 45 business days)" in text
    assert "between 1 January 2019 and 26 November 2026" in text
    for category in alpr.categories.all():
        assert category.wording_en in text
    assert "Jeanne Tremblay" in text and "123 rue Principale" in text


def test_the_same_ontario_letter_in_french(alpr):
    text = letter_for("ottawa-police-service", language="fr")
    assert (
        "Je présente cette demande en vertu de la Loi sur l'accès à l'information municipale et "
        "la protection de la vie privée (L.R.O. 1990, chap. M.56), paragraphe 4(1)."
    ) in text
    assert (
        "Je paie les frais de demande de 5,00\u00a0$ (alinéa 17(1)c) de la Loi) par chèque ou "
        "mandat à l'ordre de « Treasurer of the City of Ottawa »."
    ) in text
    assert (
        "je vous demande d'y renoncer (paragraphe 45(4) de la Loi), parce que la diffusion des "
        "documents sera bénéfique pour la santé ou la sécurité publiques"
    ) in text
    assert "(article 19 : 45 jours ouvrables)" in text


def test_where_the_payee_is_unknown_the_letter_asks_and_a_card_is_offered_where_accepted(alpr):
    barrie = letter_for("barrie-police-service")
    assert (
        "The application fee is $5.00 (section 17(1)(c) of the Act). Please tell me to whom it "
        "is payable and how you accept payment, and I will pay it without delay."
    ) in barrie
    PoliceService.objects.filter(slug="barrie-police-service").update(
        fee_payable_to="Barrie Police Service Board", accepts_cards=True
    )
    assert (
        'by cheque or money order payable to "Barrie Police Service Board". I can also pay '
        "by payment card."
    ) in letter_for("barrie-police-service")


def test_a_federal_letter_goes_to_the_rcmp_atip_branch_and_asks_no_fee_waiver(alpr):
    text = letter_for("rcmp-e-division-british-columbia")
    assert text.split("\n")[2:7] == [
        "ATIP Coordinator",
        "Royal Canadian Mounted Police (National Headquarters)",
        "RCMP Access to Information and Privacy Branch",
        "73 Leikin Drive",
        "Ottawa ON K1A 0R2",
    ]
    assert "Dear ATIP Coordinator," in text
    assert (
        "I am paying the application fee of $5.00 (section 11(1) of the Act) by cheque or money "
        'order payable to "Receiver General for Canada".'
    ) in text
    assert "waive" not in text
    assert "records held by RCMP 'E' Division (British Columbia)" in text

    french = letter_for("rcmp-e-division-british-columbia", language="fr")
    assert french.split("\n")[2:4] == [
        "Coordonnateur de l'AIPRP",
        "Gendarmerie royale du Canada (Direction générale)",
    ]
    assert (
        "en vertu de la Loi sur l'accès à l'information (L.R.C. (1985), ch. A-1), paragraphe 4(1)"
    ) in french
    assert "détenus par la GRC, Division E (Colombie-Britannique)" in french
    assert (
        "Je paie les frais de demande de 5,00\u00a0$ (paragraphe 11(1) de la Loi) par chèque ou "
        "mandat à l'ordre de « receveur général du Canada »."
    ) in french
    assert "renoncer" not in french


def test_a_bc_letter_asks_to_excuse_fees_for_services_on_the_public_interest_ground(alpr):
    text = letter_for("vancouver-police-department")
    assert "The application fee is $10.00 (section 75(1)(a) of the Act)." in text
    assert (
        "I ask you to waive them under section 75(5) of the Act, because the records relate to "
        "a matter of public interest, including public safety:"
    ) in text
    assert "(section 7(1): 30 business days)" in text


def test_laws_named_the_and_the_alberta_act_are_cited_as_written(alpr):
    regina = letter_for("regina-police-service")
    assert (
        "under The Local Authority Freedom of Information and Protection of Privacy Act (SS 1990-91, c. L-27.1), section 5."
        in regina
    )
    assert "The application fee is $20.00. Please tell me to whom it is payable" in regina
    assert "waive" not in regina  # SK waives only for hardship and public interest together
    assert "en vertu de The Local Authority Freedom" in letter_for(
        "regina-police-service", language="fr"
    )
    winnipeg = letter_for("winnipeg-police-service")
    assert (
        "under The Freedom of Information and Protection of Privacy Act (C.C.S.M. c. F175), section 7(1)."
        in winnipeg
    )
    assert "application fee" not in winnipeg  # Manitoba charges none
    assert "If any fees apply, for example for copies, please send me an estimate" in winnipeg
    assert (
        "en vertu de la Loi sur l'accès à l'information et la protection de la vie privée "
        "(C.P.L.M. c. F175), paragraphe 7(1)."
    ) in letter_for("winnipeg-police-service", language="fr")

    calgary = letter_for("calgary-police-service")
    assert "under the Access to Information Act (Alberta) (SA 2024, c. A-1.4)." in calgary
    assert (
        'I am paying the application fee of $25.00 by cheque or money order payable to "Calgary '
        'Police Service".'
    ) in calgary
    assert "en vertu de l'Access to Information Act (Alberta)" in letter_for(
        "calgary-police-service", language="fr"
    )


def test_unconfirmed_sections_are_left_out_not_guessed(alpr):
    # Alberta's ATIA: right of access, time limit and fee waiver sections are UNCONFIRMED.
    text = letter_for("calgary-police-service")
    assert "UNCONFIRMED" not in text
    assert "section " not in text.split("Dear")[1].split("I request")[0]
    assert "waive" not in text
    assert "please send me an estimate" in text


def test_a_quebec_letter_is_in_french_by_default_and_addressed_as_the_act_says(alpr):
    text = letter_for("surete-du-quebec")
    assert text.startswith("Le 26 novembre 2026")
    assert "\nResponsable de l'accès aux documents\nSûreté du Québec\n" in text
    assert (
        "Je présente cette demande en vertu de la Loi sur l'accès aux documents des organismes "
        "publics et sur la protection des renseignements personnels (RLRQ, c. A-2.1), article 9."
    ) in text
    assert "des documents suivants détenus par la Sûreté du Québec" in text
    assert "frais de demande" not in text  # access is free in Quebec
    assert "Si des frais s'appliquent, par exemple pour des copies" in text
    assert "(article 47 : 20 jours civils)" in text
    assert "lecture automatisée de plaques d'immatriculation (LAPI)" in text
    assert "reconnaissance automatique" not in text
    for category in alpr.categories.all():
        assert category.wording_fr in text
    english = letter_for("surete-du-quebec", language="en")
    assert "Dear Person in charge of access to documents," in english


def test_the_letter_asks_for_every_annual_alpr_report_since_the_program_began(alpr):
    assert "every annual or periodic report about ALPR since the program began" in letter_for(
        "toronto-police-service"
    )
    assert (
        "tous les rapports annuels ou périodiques sur la LAPI produits depuis le début du "
        "programme" in letter_for("toronto-police-service", language="fr")
    )


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


def test_a_mailto_link_appears_when_the_foi_address_is_confirmed(client, alice, alpr):
    service = PoliceService.objects.get(slug="calgary-police-service")
    claim_create(campaign=alpr, service=service, volunteer=alice)
    client.force_login(alice)
    page = letter_post(client, service)
    assert page.context["mailto"].startswith("mailto:access@calgarypolice.ca?subject=")
    assert 'href="mailto:access@calgarypolice.ca?subject=' in page.content.decode()


def test_no_mailto_link_for_an_unconfirmed_address(client, alice, alpr):
    service = PoliceService.objects.get(slug="york-regional-police")
    claim_create(campaign=alpr, service=service, volunteer=alice)
    client.force_login(alice)
    assert 'href="mailto:foi@yrp.ca?subject=' not in letter_post(client, service).content.decode()


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
    assert (
        "Please tell me whether an application fee applies to this request and, if so, its "
        "amount, to whom it is payable and how you accept payment"
    ) in text


def test_the_pei_bylaw_placeholder_is_handled_like_the_first_nations_one(alpr):
    text = letter_for("kensington-police-services")
    assert (
        "I am requesting access to records held by Kensington Police Services under the Town's "
        "access-to-information bylaw. Please tell me which access-to-information law or policy "
        "applies to this request"
    ) in text
    assert "Municipal Government Act" not in text
    french = letter_for("kensington-police-services", language="fr")
    assert "en vertu du règlement de la municipalité sur l'accès à l'information" in french
    assert (
        "Veuillez m'indiquer quelle loi ou politique d'accès à l'information s'applique" in french
    )


def test_no_letter_ever_says_unconfirmed(alpr):
    for service in PoliceService.objects.filter(active=True):
        for language in ("en", "fr"):
            text = letter_for(service.slug, language=language)
            assert "UNCONFIRMED" not in text.upper(), (service.slug, language)
            assert "[not an official" not in text


def test_nova_scotia_cites_part_xx_once_and_promises_no_unconfirmed_new_act_time(alpr):
    text = letter_for("halifax-regional-police")
    assert (
        "under the Municipal Government Act, Part XX (Freedom of Information and Protection of "
        "Privacy) (S.N.S. 1998, c. 18)."
    ) in text
    assert text.count("Part XX") == 1
    assert "(section" not in text.split("I look forward")[1]
    assert "(30 calendar days)" in text
    french = letter_for("halifax-regional-police", language="fr")
    assert "(S.N.S. 1998, c. 18)." in french and "ss.461" not in french

    # After the new Act's reported start, its unconfirmed 30 business days are not promised.
    later = letter_for("halifax-regional-police", today=date(2027, 5, 3))
    assert "business days" not in later
    assert "I look forward to your response within the time limit set by law." in later


def test_each_language_gets_its_own_citation_and_french_dates(alpr):
    english = letter_for("toronto-police-service")
    assert "(R.S.O. 1990, c. M.56)" in english
    assert "L.R.O." not in english
    french = letter_for("toronto-police-service", language="fr")
    assert "(L.R.O. 1990, chap. M.56)" in french
    assert "le 1er janvier 2019" in french


def test_the_letter_command_prints_or_writes_any_services_letter(alpr, tmp_path, capsys):
    call_command("letter", "surete-du-quebec", "--date", "2026-11-26")
    printed = capsys.readouterr().out
    assert printed.startswith("Le 26 novembre 2026\n")
    assert "[Votre nom]" in printed

    # Dated the day asked for, under the rules in force that day (Ontario before Bill 97).
    call_command(
        "letter", "toronto-police-service", "--campaign", "alpr-records", "--date", "2026-06-15",
        "--name", "Jeanne Tremblay", "--contact", "jeanne@example.org",
    )  # fmt: skip
    june = capsys.readouterr().out
    assert june.startswith("15 June 2026\n")
    assert "(section 19: 30 calendar days)" in june
    assert june.endswith("Jeanne Tremblay\njeanne@example.org\n")

    target = tmp_path / "ottawa.docx"
    call_command(
        "letter", "ottawa-police-service", "--language", "fr", "--format", "docx",
        "--output", str(target), "--date", "2026-11-26",
    )  # fmt: skip
    from docx import Document

    paragraphs = [p.text for p in Document(str(target)).paragraphs]
    assert any("« Treasurer of the City of Ottawa »" in p for p in paragraphs)

    with pytest.raises(CommandError, match="No police service"):
        call_command("letter", "no-such-police")
    with pytest.raises(CommandError, match="needs --output"):
        call_command("letter", "ottawa-police-service", "--format", "docx")


def test_the_letter_page_names_the_law_as_the_letter_does(client, olivia, alpr):
    client.force_login(olivia)
    url = "/services/winnipeg-police-service/letter/?campaign=alpr-records"
    page = client.get(url).content.decode()
    assert "The letter cites The Freedom of Information and Protection of Privacy Act." in page
    french = unescape(client.get(f"/fr{url}").content.decode())
    assert (
        "La lettre invoque la Loi sur l'accès à l'information et la protection de la vie privée."
    ) in french
