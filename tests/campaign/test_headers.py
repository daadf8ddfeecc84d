"""The Content-Security-Policy and framing headers, page by page (the browser tests show that
the pages' scripts run within the policy; tests/requests_app/test_hostile_files.py that
served files keep their own sandbox policy)."""

import pytest


def policy(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (
            part.split() for part in response["Content-Security-Policy"].split(";")
        )
    }


@pytest.mark.parametrize(
    "path",
    ["/", "/fr/", "/map/", "/directory/", "/guide/", "/stats/", "/findings/",
     "/accounts/login/", "/api/docs/", "/api/v1/services/", "/no-such-page/"],
)  # fmt: skip
def test_every_page_forbids_inline_scripts_and_framing(client, db, path):
    response = client.get(path)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_only_the_embeddable_map_may_be_framed_by_other_sites(client, db):
    embed = client.get("/map/embed/")
    assert policy(embed)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in embed
    assert policy(embed)["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "https://*.tiles.example.org"),
    ],
)
def test_map_tiles_are_allowed_from_the_configured_tile_server(
    client, db, settings, tile_url, source
):
    settings.MAP_TILE_URL = tile_url
    assert policy(client.get("/map/"))["img-src"] == ["'self'", "data:", source]


def test_a_tile_server_on_the_site_itself_needs_no_other_source(client, db, settings):
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    assert policy(client.get("/map/"))["img-src"] == ["'self'", "data:"]


def test_the_api_docs_script_is_a_file_of_its_own(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content
