import pytest


@pytest.mark.django_db
def test_the_language_switcher_moves_to_french_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"

    page = client.get("/fr/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "Qui lit nos plaques d'immatriculation?" in html
    assert 'value="en"' in html  # the switcher offers the way back

    response = client.post("/fr/i18n/setlang/", {"language": "en", "next": "/fr/"})
    assert response["Location"] == "/"
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_account_pages_exist_in_french(client):
    html = client.get("/fr/accounts/signup/").content.decode()
    assert '<html lang="fr">' in html
    assert "Inscription" in html
