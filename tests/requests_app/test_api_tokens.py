"""API tokens: made, named, shown once, seen in use and revoked on the account page; only
their hash is stored, and a revoked one stops working at once."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from rest_framework.test import APIClient

from requests_app.models import ApiToken

PROFILE = "/me/profile/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def make_token(client, name="My script"):
    response = client.post("/me/tokens/", {"name": name})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the page holds the secret
    return response.context["new_token"]


def test_a_volunteer_makes_a_token_sees_it_once_and_only_its_hash_is_kept(client, alice):
    client.force_login(alice)
    secret = make_token(client)
    assert secret.startswith("alpr_") and len(secret) > 40
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (alice, "My script")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    page = client.get(PROFILE).content.decode()
    assert "My script" in page and token.prefix in page
    assert secret not in page  # shown once, on the answer that made it
    assert "never" in page  # not used yet


def test_a_token_acts_as_its_volunteer_and_its_last_use_is_shown(client, alice):
    client.force_login(alice)
    secret = make_token(client)
    when = datetime(2026, 11, 26, 14, 30, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(when, tick=False):
        assert bearer(secret).get("/api/v1/claims/").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at == when
    with time_machine.travel(when + timedelta(seconds=20), tick=False):
        bearer(secret).get("/api/v1/claims/")
    token.refresh_from_db()
    assert token.last_used_at == when  # written at most once a minute
    assert "2026-11-26 14:30" in client.get(PROFILE).content.decode()


def test_a_revoked_token_fails_at_once(client, alice):
    client.force_login(alice)
    secret = make_token(client)
    assert bearer(secret).get("/api/v1/requests/").status_code == 200
    token = ApiToken.objects.get()
    response = client.post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None  # kept, for the record
    refused = bearer(secret).get("/api/v1/requests/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This token does not work: it was revoked or mistyped."}
    # Even on public data: a token that does not work is never silently ignored.
    assert bearer(secret).get("/api/v1/regimes/").status_code == 401
    assert "revoked on" in client.get(PROFILE).content.decode()


def test_nobody_revokes_another_volunteers_token(client, alice, bob):
    client.force_login(alice)
    secret = make_token(client)
    client.force_login(bob)
    token = ApiToken.objects.get()
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(secret).get("/api/v1/requests/").status_code == 200


def test_a_token_needs_a_name_and_a_mistyped_one_fails(client, alice):
    client.force_login(alice)
    response = client.post("/me/tokens/", {"name": "  "})
    assert response.status_code == 200 and not response.context["new_token"]
    assert not ApiToken.objects.exists()
    assert bearer("alpr_not-a-real-token").get("/api/v1/requests/").status_code == 401
    assert bearer("two words").get("/api/v1/requests/").status_code == 401
    assert client.post("/me/tokens/", {"name": "x"}).status_code == 200
    client.logout()
    assert client.post("/me/tokens/", {"name": "x"}).status_code == 302  # to the login page


def test_a_deactivated_volunteers_tokens_stop_working(client, alice):
    client.force_login(alice)
    secret = make_token(client)
    alice.is_active = False
    alice.save()
    assert bearer(secret).get("/api/v1/requests/").status_code == 401


def test_the_session_needs_its_csrf_token_to_write_and_a_token_does_not(
    alice, alpr, frozen_26_november
):
    from requests_app.services.tokens import api_token_create

    body = {"police_service": "toronto-police-service"}
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(alice)
    refused = session.post("/api/v1/claims/", body, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    _token, secret = api_token_create(user=alice, name="cli")
    scripted = APIClient(enforce_csrf_checks=True)
    scripted.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert scripted.post("/api/v1/claims/", body, format="json").status_code == 201
