import pytest


def test_anyone_can_read_the_directory_through_the_api(client, directory):
    services = client.get("/api/v1/services/", {"province": "QC", "q": "quebec"}).json()
    slugs = [s["slug"] for s in services["results"]]
    assert "service-de-police-de-la-ville-de-quebec" in slugs
    one = client.get("/api/v1/services/toronto-police-service/").json()
    assert one["regime"] == "ON-MFIPPA"
    regime = client.get("/api/v1/regimes/ON-MFIPPA/").json()
    assert [r["response_days"] for r in regime["rule_sets"]] == [30, 45]


@pytest.mark.django_db
def test_nobody_writes_the_directory_through_the_api(client, alice, olivia, directory):
    # Anonymous writes are asked to sign in; signed-in ones find no such method.
    for user, refused in ((None, 401), (alice, 405), (olivia, 405)):
        if user:
            client.force_login(user)
        response = client.post("/api/v1/services/", {"slug": "x", "name_en": "X"})
        assert response.status_code == refused
        response = client.delete("/api/v1/services/toronto-police-service/")
        assert response.status_code == refused


def test_the_api_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
