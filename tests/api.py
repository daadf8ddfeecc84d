"""Helpers for API tests: a client as a person or a token, and counting a list's queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requests_app.services.tokens import api_token_create


def client_as(user=None, *, token: bool = False) -> APIClient:
    """An API client: anonymous, signed in through the session, or sending a new token."""
    client = APIClient()
    if user is not None and token:
        _token, secret = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    elif user is not None:
        client.force_login(user)
    return client


def queries(client, url: str, params: dict) -> tuple[int, dict]:
    """How many queries one GET makes, and its JSON."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def assert_constant_queries(
    django_assert_num_queries, client, url: str, params: dict | None = None, *, rows: int
) -> None:
    """A list's queries do not grow with its page size: as many at `rows` rows as at 2."""
    params = params or {}
    client.get(url, {**params, "page_size": 1})  # the rate limiter's first write, the session
    small, first = queries(client, url, {**params, "page_size": 2})
    with django_assert_num_queries(small):
        second = client.get(url, {**params, "page_size": rows}).json()
    assert len(first.get("results", first.get("features", []))) == 2
    assert len(second.get("results", second.get("features", []))) == rows
