"""Error pages with DEBUG off: styled, in the visitor's language, saying what to do next."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.test import Client
from django.urls import path

from campaign.urls import urlpatterns as site_urlpatterns


def closed_view(request):
    raise PermissionDenied("Only the team may open this.")


def broken_view(request):
    raise DatabaseError("the database is down")


# The site's addresses plus a closed page and a failing one, in both languages.
urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path("closed/", closed_view),
        path("broken/", broken_view),
        prefix_default_language=False,
    ),
]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def template_names(response):
    return [template.name for template in response.templates]


def test_a_volunteer_is_told_why_a_letter_page_is_closed_and_what_to_do(client, directory, bob):
    client.force_login(bob)
    response = client.get("/services/toronto-police-service/letter/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not open to you" in html
    assert "and for the campaign's organizers" in html
    assert 'href="/directory/"' in html
    assert 'href="/static/css/site.css"' in html


@pytest.mark.urls(__name__)
def test_the_403_page_shows_the_reason_given_by_the_view(client, bob):
    client.force_login(bob)
    response = client.get("/closed/")
    assert response.status_code == 403
    assert "Only the team may open this." in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_403_page_offers_a_visitor_who_is_not_logged_in_the_login_page(client):
    response = client.get("/closed/")
    assert 'href="/accounts/login/?next=/closed/"' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_address_gets_the_styled_404_with_ways_on(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in template_names(response)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "This page does not exist or is not public." in html
    for link in ['href="/"', 'href="/directory/"', 'href="/map/"']:
        assert link in html


@pytest.mark.django_db
def test_the_404_page_is_in_french_under_fr(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in template_names(response)
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Page introuvable" in html
    assert 'href="/fr/directory/"' in html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("address", "language"), [("/broken/", "en"), ("/fr/broken/", "fr")])
def test_a_failing_page_gets_the_styled_500_without_touching_the_database(
    client, alice, django_assert_num_queries, address, language
):
    client.force_login(alice)
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get(address)
    assert response.status_code == 500
    assert template_names(response) == ["500.html"]
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'href="/static/css/site.css"' in html


@pytest.mark.django_db
def test_a_bad_host_gets_the_styled_400(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "The site could not understand this request" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()
