"""Sign-up with a confirmed e-mail address, log in and out, password reset, organizers."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from requests_app.roles import ORGANIZERS_GROUP, is_organizer
from tests.mail import sent_mail

PASSWORD = "a long and unusual passphrase 42"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_a_volunteer_signs_up_confirms_and_logs_in_and_out(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "Carol@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email__iexact="carol@example.org")
    assert not is_organizer(user)

    # Not confirmed yet: logging in only resends the confirmation.
    assert len(sent_mail()) == 1
    assert sent_mail()[0].to == ["carol@example.org"]
    response = client.post("/accounts/login/", {"login": "carol@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm_url = link_in(sent_mail()[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/login/", {"login": "carol@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_volunteer_resets_a_forgotten_password(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert len(sent_mail()) == 1
    response = client.get(link_in(sent_mail()[0]), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else None
    assert form_url
    new = "another long passphrase 77"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert client.login(email="alice@example.org", password=new)


@pytest.mark.django_db
def test_the_sign_up_form_explains_bad_input(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-address", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db
def test_make_organizer_gives_the_organizer_role_and_admin_access(client, alice, bob):
    call_command("make_organizer", "ALICE@example.org")
    alice.refresh_from_db()
    assert is_organizer(get_user_model().objects.get(pk=alice.pk))
    assert alice.groups.filter(name=ORGANIZERS_GROUP).exists()
    assert not is_organizer(bob)

    client.force_login(alice)
    assert client.get("/admin/").status_code == 200
    client.force_login(bob)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_make_organizer_names_an_unknown_address():
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        call_command("make_organizer", "nobody@example.org")


@pytest.mark.django_db
def test_the_dashboard_link_shows_only_for_organizers(client, alice, olivia):
    assert not is_organizer(None)
    client.force_login(alice)
    assert client.get("/").context["is_organizer"] is False
    client.force_login(olivia)
    assert client.get("/").context["is_organizer"] is True


@pytest.mark.django_db
def test_public_pages_never_show_an_email_address(client, alice):
    client.force_login(alice)
    assert b"alice@example.org" not in client.get("/").content


@pytest.mark.django_db
def test_a_volunteer_who_signs_up_in_french_gets_french_emails(client):
    client.post(
        "/fr/accounts/signup/",
        {"email": "jeanne@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = get_user_model().objects.get(email="jeanne@example.org")
    assert user.language == "fr"
    assert "Confirmez" in sent_mail()[0].subject  # allauth's confirmation, in French
