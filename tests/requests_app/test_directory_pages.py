"""The public directory, service pages and the guide, in English and French."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from requests_app.models import AccessRegime, PoliceService, Province


@pytest.fixture(autouse=True)
def _english_afterwards():
    """French pages leave French active in this thread; the next test starts in English."""
    yield
    translation.activate("en")


def names(response):
    return {service.slug for service in response.context["services"]}


def test_the_shipped_directory_covers_the_country(directory):
    services = PoliceService.objects.select_related("regime")
    assert services.count() >= 150
    for service in services:
        # Every code a service uses exists, and is a law of its own province or federal.
        assert service.regime.jurisdiction in (service.province, "CA"), service.slug
        assert service.latitude is not None and service.longitude is not None
    jurisdictions = set(AccessRegime.objects.values_list("jurisdiction", flat=True))
    assert jurisdictions >= {code for code, _label in Province.choices}
    for slug in ["ontario-provincial-police", "royal-newfoundland-constabulary",
                 "royal-canadian-mounted-police-national-headquarters",
                 "rcmp-e-division-british-columbia", "toronto-police-service"]:  # fmt: skip
        assert services.filter(slug=slug).exists(), slug
    assert services.filter(name_en__icontains="Sûreté du Québec").exists()
    assert services.filter(kind="first_nations").count() >= 10
    assert (
        services.filter(parent__slug="royal-canadian-mounted-police-national-headquarters").count()
        >= 8
    )
    for province in ["ON", "BC", "AB", "SK", "MB", "NS", "NB"]:
        assert services.filter(province=province, kind__in=["municipal", "regional"]).exists()


def test_the_directory_lists_filters_and_searches_without_accents(client, directory):
    everything = client.get("/directory/")
    assert everything.status_code == 200
    assert len(names(everything)) == PoliceService.objects.filter(active=True).count()

    quebec = names(client.get("/directory/", {"q": "Quebec"}))
    assert "service-de-police-de-la-ville-de-quebec" in quebec
    assert names(client.get("/directory/", {"q": "QUÉBEC"})) == quebec
    assert "service-de-police-de-la-ville-de-montreal" in names(
        client.get("/directory/", {"q": "montreal"})
    )

    bc = client.get("/directory/", {"province": "BC", "kind": "municipal"})
    services = bc.context["services"]
    assert services and all(s.province == "BC" and s.kind == "municipal" for s in services)

    junk = client.get("/directory/", {"province": "ZZ"})
    assert junk.status_code == 200
    assert len(names(junk)) == len(names(everything))


def test_an_inactive_service_leaves_the_directory_but_keeps_its_page(client, directory):
    PoliceService.objects.filter(slug="aylmer-police-service").update(active=False)
    assert "aylmer-police-service" not in names(client.get("/directory/"))
    page = client.get("/services/aylmer-police-service/")
    assert page.status_code == 200
    assert "no longer active" in page.content.decode()


def test_a_service_page_says_how_to_file_and_the_deadline_in_plain_words(client, directory):
    page = client.get("/services/york-regional-police/").content.decode()
    assert "Municipal Freedom of Information and Protection of Privacy Act" in page
    assert "45 business days" in page  # in force today (Ontario since 1 July 2026)
    assert "mailto:foi@yrp.ca" in page
    assert "Not published, confirm first" in page  # e.g. its postal address is unknown
    assert "Information and Privacy Commissioner of Ontario" in page

    rcmp = client.get("/services/rcmp-e-division-british-columbia/").content.decode()
    assert "Access to Information Act" in rcmp
    assert "30 calendar days" in rcmp
    # Saturday is not a holiday under the Interpretation Act (s.35(1)); the office-closed
    # reading is unconfirmed, and the page says so rather than stating it as fact.
    assert "if the last day is a weekend or holiday, the next business day" not in rcmp
    assert "Whether a Saturday also moves it is not confirmed" in rcmp


def test_an_unknown_service_is_404(client, directory):
    assert client.get("/services/no-such-police/").status_code == 404


def test_the_guide_tables_every_law_and_answers_which_law_applies(client, directory):
    guide = client.get("/guide/")
    assert guide.status_code == 200
    html = unescape(guide.content.decode())
    for regime in AccessRegime.objects.filter(police_services__isnull=False).distinct():
        assert regime.short_name in html
    answer = client.get("/guide/", {"service": "vancouver-police-department"})
    html = answer.content.decode()
    assert answer.context["chosen"].slug == "vancouver-police-department"
    assert "Freedom of Information and Protection of Privacy Act" in html
    assert "/services/vancouver-police-department/#how-to-file" in html
    assert client.get("/guide/", {"service": "nope"}).context["chosen"] is None


def test_the_pages_exist_in_french(client, directory):
    page = client.get("/fr/services/service-de-police-de-la-ville-de-montreal/")
    html = unescape(page.content.decode())
    assert '<html lang="fr">' in html
    assert "Comment déposer une demande" in html
    assert "Loi sur l'accès" in html
    directory_page = client.get("/fr/directory/").content.decode()
    assert "Répertoire des services de police" in directory_page
    assert "Quel texte de loi s'applique" in client.get("/fr/guide/").content.decode()


@pytest.mark.django_db
def test_the_admin_import_is_for_organizers_only(client, alice, olivia, directory):
    url = "/admin/requests_app/policeservice/import/"
    client.force_login(alice)
    assert client.get(url).status_code == 302  # not staff: sent to the admin login

    client.force_login(olivia)
    assert client.get(url).status_code == 200
    good = SimpleUploadedFile(
        "d.csv",
        b"slug,name_en,kind,province,latitude,longitude,regime_code\n"
        b"new-town-police,New Town Police,municipal,ON,44.1,-79.1,ON-MFIPPA\n",
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert PoliceService.objects.filter(slug="new-town-police").exists()

    bad = SimpleUploadedFile(
        "d.csv",
        b"slug,name_en,kind,province,latitude,longitude,regime_code\n"
        b"other-police,,municipal,ON,44.1,-79.1,ON-MFIPPA\n",
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "line 2 (other-police): name_en: a name is required" in response.content.decode()
    assert not PoliceService.objects.filter(slug="other-police").exists()

    export = client.get("/admin/requests_app/policeservice/export/")
    assert export["Content-Type"].startswith("text/csv")
    assert b"new-town-police" in export.content


RESEARCH_WORDS = ["UNCONFIRMED", ".csv", "foi_facts", "appeal_window_days", "fee_estimate"]


def test_public_service_pages_keep_research_notes_for_organizers(client, olivia, directory):
    slugs = {
        regime.police_services.order_by("slug").first().slug
        for regime in AccessRegime.objects.filter(police_services__isnull=False).distinct()
    }
    for slug in sorted(slugs):
        for prefix in ("", "/fr"):
            html = unescape(client.get(f"{prefix}/services/{slug}/").content.decode())
            for word in RESEARCH_WORDS:
                assert word not in html, (slug, prefix, word)
            assert "Research notes" not in html and "Notes de recherche" not in html
    client.force_login(olivia)
    html = client.get("/services/kensington-police-services/").content.decode()
    assert "Research notes (organizers only)" in html
    assert "UNCONFIRMED" in html  # the research itself, for the people who keep it


def test_a_service_page_shows_the_fee_once_and_names_the_recourse_in_its_laws_words(
    client, directory
):
    rcmp = unescape(client.get("/services/rcmp-e-division-british-columbia/").content.decode())
    assert "Application fee: $5.00 (section 11(1))." in rcmp
    assert "Receiver General for Canada" in rcmp
    how_to_file = rcmp.split('id="how-to-file"')[1].split("<h2>")[0]
    assert "Not published" not in how_to_file.split("Application fee (CAD)")[1].split("</dd>")[0]
    assert "You can make a complaint to the Information Commissioner of Canada." in rcmp
    assert "Time to complain" in rcmp and "Complaint fee" in rcmp
    assert "A complaint to the Information Commissioner is free." in rcmp

    toronto = unescape(client.get("/services/toronto-police-service/").content.decode())
    assert "You can make an appeal to the Information and Privacy Commissioner of Ontario." in (
        toronto
    )
    # Bill 97 left the window unconfirmed: the page gives the earliest reading, flagged.
    window = toronto.split("Time to appeal")[1].split("</dd>")[0]
    assert "not confirmed" in window
    assert "To be safe, 30 calendar days from the notice of the institution's decision" in window

    winnipeg = unescape(client.get("/services/winnipeg-police-service/").content.decode())
    assert "No application fee." in winnipeg
    assert "You can make a complaint to the Manitoba Ombudsman." in winnipeg


def test_a_french_service_page_is_french_through_and_through(client, directory):
    html = unescape(
        client.get("/fr/services/service-de-police-de-la-ville-de-montreal/").content.decode()
    )
    assert "Elle vise : Les services de police municipaux et les régies intermunicipales" in html
    assert "Délai pour demander une révision" in html
    assert "30 jours civils à compter de la décision" in html
    assert "Vous pouvez présenter une demande de révision à la Commission d'accès" in html
    assert "vérifié le 1er novembre 2026" in html
    assert "the decision" not in html and "municipal police" not in html
    assert "(RLRQ, c. A-2.1; CQLR c. A-2.1)" in html  # the French citation first

    rcmp = unescape(client.get("/fr/services/rcmp-k-division-alberta/").content.decode())
    assert "GRC, Division K (Alberta)" in rcmp
    assert "receveur général du Canada" in rcmp
    assert "Vous pouvez présenter une plainte au Commissariat à l'information du Canada." in rcmp


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ("/directory/?province=XX", "province"),
        ("/directory/?kind=castle", "kind"),
        ("/findings/?vendor=nobody", "vendor"),
    ],
)
def test_a_filter_that_is_not_offered_says_so_next_to_its_field(client, directory, address, field):
    page = unescape(client.get(address).content.decode())
    # The message the field's aria-describedby points at, rather than a silent "everything".
    assert f'<ul class="errorlist" id="id_{field}_error">' in page
    assert "is not one of the available choices" in page
