"""The API's writes go through the pages' own services: the same transitions, constraints,
moderation and permissions, with JSON errors and the right status code."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import (
    Appeal,
    Claim,
    Comment,
    Finding,
    PoliceService,
    Release,
    RequestEvent,
)
from requests_app.services.claims import claim_create
from requests_app.services.releases import release_decide
from requests_app.services.requests import request_file, request_status_record
from tests import documents
from tests.api import assert_constant_queries, client_as
from tests.maps_app.conftest import make_release

pytestmark = pytest.mark.usefixtures("frozen_26_november")

TORONTO = "toronto-police-service"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def alices_request(alice, alpr):
    service = PoliceService.objects.get(slug=TORONTO)
    claim_create(campaign=alpr, service=service, volunteer=alice)
    return request_file(campaign=alpr, service=service, volunteer=alice, filed_on=date(2026, 11, 2))


def steps_url(request):
    return f"/api/v1/requests/{request.pk}/steps/"


# --- Claims -------------------------------------------------------------------------------------


def test_a_volunteer_claims_a_target_and_a_second_claim_is_a_conflict(alice, bob, alpr):
    response = client_as(alice, token=True).post(
        "/api/v1/claims/", {"police_service": TORONTO}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["police_service"] == TORONTO
    assert response.json()["campaign"] == "alpr-records"  # the real campaign by default
    assert response.json()["is_claimant"] is True

    again = client_as(bob).post("/api/v1/claims/", {"police_service": TORONTO}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("Already claimed by another volunteer on 26 Nov")
    assert Claim.objects.active().count() == 1


def test_a_refused_claim_says_why_in_the_pages_words(alice, alpr, settings):
    settings.CLAIM_CAP = 1
    client = client_as(alice)
    assert client.post("/api/v1/claims/", {"police_service": TORONTO}).status_code == 201
    refused = client.post("/api/v1/claims/", {"police_service": "ottawa-police-service"})
    assert refused.status_code == 400
    assert "the most one volunteer may hold" in refused.json()["non_field_errors"][0]
    unknown = client.post("/api/v1/claims/", {"police_service": "no-such-police"})
    assert unknown.status_code == 400
    assert "police_service" in unknown.json()
    assert client.post(
        "/api/v1/claims/", {"police_service": TORONTO, "campaign": "no-such"}
    ).status_code == (404)


def test_only_the_claimant_or_an_organizer_releases_a_claim(alice, bob, olivia, alpr):
    claim = claim_create(
        campaign=alpr, service=PoliceService.objects.get(slug=TORONTO), volunteer=alice
    )
    url = f"/api/v1/claims/{claim.pk}/release/"
    assert client_as(None).post(url, {"reason": "x"}).status_code == 401
    assert client_as(bob).post(url, {"reason": "mine now"}).status_code == 403
    no_reason = client_as(alice).post(url, {"reason": " "})
    assert no_reason.status_code == 400
    assert no_reason.json() == {
        "non_field_errors": ["Say why the claim is released, so the next volunteer knows."]
    }
    released = client_as(alice).post(url, {"reason": "moving away"})
    assert released.status_code == 200
    assert released.json()["ending"] == "released"
    assert client_as(olivia).post(url, {"reason": "again"}).status_code == 409


def test_a_volunteer_lists_the_targets_they_work_on(alice, bob, alpr):
    claim_create(campaign=alpr, service=PoliceService.objects.get(slug=TORONTO), volunteer=alice)
    mine = client_as(alice, token=True).get("/api/v1/claims/").json()["results"]
    assert [c["police_service"] for c in mine] == [TORONTO]
    assert client_as(bob).get("/api/v1/claims/").json()["results"] == []
    assert client_as(None).get("/api/v1/claims/").status_code == 401


# --- Requests and their steps -------------------------------------------------------------------


def test_the_team_logs_a_step_and_the_due_date_follows(alice, alices_request):
    client = client_as(alice, token=True)
    response = client.post(
        steps_url(alices_request),
        {"status": "extended", "occurred_on": "2026-11-20", "extension_days": 30},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "extended"
    request = client.get(f"/api/v1/requests/{alices_request.pk}/").json()
    assert request["status"] == "extended"
    assert request["due_on"] > alices_request.due_on.isoformat()
    assert "fee_estimate" in request["next_statuses"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"status": "closed", "occurred_on": "2026-11-20"}, "non_field_errors", "cannot follow"),
        ({"status": "refused", "occurred_on": "2026-12-01"}, "non_field_errors", "in the future"),
        ({"status": "extended", "occurred_on": "2026-11-20"}, "non_field_errors", "extension"),
        ({"status": "nonsense", "occurred_on": "2026-11-20"}, "status", "not a valid choice"),
        ({"status": "refused"}, "occurred_on", "required"),
    ],
)
def test_an_impossible_step_gets_a_field_message(alice, alices_request, body, field, message):
    response = client_as(alice).post(steps_url(alices_request), body, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert alices_request.events.count() == 1


def test_another_volunteer_cannot_write_to_your_request(bob, alices_request):
    for client in (client_as(bob), client_as(bob, token=True)):
        for url, body in [
            (steps_url(alices_request), {"status": "refused", "occurred_on": "2026-11-20"}),
            (f"/api/v1/requests/{alices_request.pk}/comments/", {"body": "hello"}),
            (f"/api/v1/requests/{alices_request.pk}/appeals/", {"grounds": [{"kind": "search"}]}),
        ]:
            assert client.post(url, body, format="json").status_code == 404
        assert client.get(f"/api/v1/requests/{alices_request.pk}/").status_code == 404
        assert client.get("/api/v1/requests/").json()["results"] == []
    assert RequestEvent.objects.filter(request=alices_request).count() == 1
    assert not Comment.objects.exists()
    assert not Appeal.objects.exists()


def test_organizers_see_and_write_to_every_request(olivia, alices_request):
    client = client_as(olivia)
    assert [r["id"] for r in client.get("/api/v1/requests/").json()["results"]] == [
        alices_request.pk
    ]
    body = {"status": "acknowledged", "occurred_on": "2026-11-05"}
    assert client.post(steps_url(alices_request), body, format="json").status_code == 201


def test_signing_in_is_asked_for_with_a_401(alices_request):
    response = client_as(None).post(
        steps_url(alices_request), {"status": "refused", "occurred_on": "2026-11-20"}
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "detail" in response.json()


# --- Releases and findings ------------------------------------------------------------------------


def upload(client, request, content, name="release.pdf", **fields):
    return client.post(
        f"/api/v1/requests/{request.pk}/releases/",
        {"file": SimpleUploadedFile(name, content), "received_on": "2026-11-20", **fields},
        format="multipart",
    )


def test_an_uploaded_release_stays_private_until_approved(alice, bob, olivia, alices_request):
    step = request_status_record(
        request=alices_request, status="full_release", occurred_on=date(2026, 11, 20), by=alice
    )
    response = upload(
        client_as(alice, token=True),
        alices_request,
        documents.pdf(["Genetec AutoVu, 12 cameras"]),
        event=step.pk,
        title="The contract",
    )
    assert response.status_code == 201, response.content
    release = Release.objects.get(pk=response.json()["id"])
    assert (release.moderation, release.event, release.title) == ("pending", step, "The contract")

    def listed(client):
        return [r["id"] for r in client.get("/api/v1/releases/").json()["results"]]

    assert listed(client_as(None)) == [] and listed(client_as(bob)) == []
    assert client_as(None).get(f"/api/v1/releases/{release.pk}/").status_code == 404
    assert listed(client_as(alice)) == [release.pk]
    release_decide(release=release, by=olivia, decision="approved")
    assert listed(client_as(None)) == [release.pk]


def test_an_upload_is_refused_with_the_pages_message(alice, bob, alices_request):
    refused = upload(client_as(alice), alices_request, b"MZ\x90\x00 a program", name="x.pdf")
    assert refused.status_code == 400
    assert "not a PDF, PNG, JPEG" in refused.json()["non_field_errors"][0]
    wrong_step = upload(client_as(alice), alices_request, documents.CSV, event=999999)
    assert wrong_step.status_code == 400
    assert wrong_step.json()["event"] == ["This request has no step with that id."]
    assert upload(client_as(bob), alices_request, documents.CSV).status_code == 404
    assert not Release.objects.exists()


def test_the_team_records_a_finding_from_an_approved_release(alice, bob, olivia, alices_request):
    release = upload(client_as(alice), alices_request, documents.pdf(["12 cameras"])).json()
    release_decide(release=Release.objects.get(pk=release["id"]), by=olivia, decision="approved")
    url = f"/api/v1/releases/{release['id']}/findings/"
    body = {"field": "fixed_cameras", "value": "12", "page": 1}
    assert client_as(None).post(url, body, format="json").status_code == 401
    # Bob sees the approved release, but it is not his to record facts from.
    assert client_as(bob).post(url, body, format="json").status_code == 403
    bad = client_as(alice).post(url, {**body, "value": "many"}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["Give a whole number, zero or more."]}
    created = client_as(alice, token=True).post(url, body, format="json")
    assert created.status_code == 201
    assert created.json()["value"] == 12
    assert Finding.objects.get().recorded_by == alice
    public = client_as(None).get("/api/v1/findings/").json()["results"]
    assert [(f["field"], f["value"]) for f in public] == [("fixed_cameras", 12)]


# --- Appeals and comments -----------------------------------------------------------------------


def test_the_team_opens_an_appeal_and_records_its_stages(alice, bob, alices_request):
    request_status_record(
        request=alices_request, status="refused", occurred_on=date(2026, 11, 20), by=alice
    )
    client = client_as(alice, token=True)
    url = f"/api/v1/requests/{alices_request.pk}/appeals/"
    missing = client.post(url, {"grounds": [{"kind": "exemption"}]}, format="json")
    assert missing.status_code == 400
    assert "section of each exemption" in missing.json()["non_field_errors"][0]
    opened = client.post(
        url, {"grounds": [{"kind": "exemption", "section": "s.8(1)(c)"}]}, format="json"
    )
    assert opened.status_code == 201
    appeal = opened.json()
    assert (appeal["stage"], appeal["basis"]) == ("drafting", "decision")
    assert appeal["file_by"]

    stages = f"/api/v1/appeals/{appeal['id']}/stages/"
    filed = {"stage": "filed", "occurred_on": "2026-11-24", "file_number": "MA26-00012"}
    assert client_as(bob).post(stages, filed, format="json").status_code == 404
    response = client.post(stages, filed, format="json")
    assert response.status_code == 201
    assert (response.json()["stage"], response.json()["file_number"]) == ("filed", "MA26-00012")
    order = client.post(stages, {"stage": "order", "occurred_on": "2026-11-25"}, format="json")
    assert order.status_code == 400  # adjudication comes first, and an order needs an outcome

    public = client_as(None).get("/api/v1/appeals/").json()["results"]
    assert [(a["stage"], a["police_service"]) for a in public] == [("filed", TORONTO)]
    assert "file_number" not in public[0]


def test_the_team_comments_on_a_request_and_its_appeal(alice, bob, alices_request):
    request_status_record(
        request=alices_request, status="refused", occurred_on=date(2026, 11, 20), by=alice
    )
    client = client_as(alice)
    url = f"/api/v1/requests/{alices_request.pk}/comments/"
    empty = client.post(url, {"body": "  "}, format="json")
    assert empty.status_code == 400
    assert empty.json() == {"non_field_errors": ["Write a comment first."]}
    posted = client.post(url, {"body": "Sent by **mail**", "format": "markdown"}, format="json")
    assert posted.status_code == 201
    assert posted.json()["visibility"] == "team"
    appeal = client.post(
        f"/api/v1/requests/{alices_request.pk}/appeals/",
        {"grounds": [{"kind": "search"}]},
        format="json",
    ).json()
    on_appeal = f"/api/v1/appeals/{appeal['id']}/comments/"
    assert client_as(bob).post(on_appeal, {"body": "hi"}, format="json").status_code == 404
    public = client.post(on_appeal, {"body": "Filed today", "visibility": "public"}, format="json")
    assert public.status_code == 201
    assert Comment.objects.filter(appeal_id=appeal["id"], visibility="public").count() == 1


def test_the_requests_list_shows_the_campaign_chosen(alice, alices_request):
    from tests.factories import CampaignFactory

    CampaignFactory(slug="demo", name="Demo", is_demo=True, starts_on=date(2026, 1, 1))
    client = client_as(alice)
    assert client.get("/api/v1/requests/", {"campaign": "demo"}).json()["results"] == []
    assert [r["id"] for r in client.get("/api/v1/requests/").json()["results"]] == [
        alices_request.pk
    ]
    assert client.get("/api/v1/requests/", {"campaign": "no-such"}).status_code == 404


def test_the_requests_list_does_not_grow_in_queries(alpr, olivia, django_assert_num_queries):
    for service in PoliceService.objects.filter(province="ON").order_by("slug")[:10]:
        make_release(campaign=alpr, service=service, volunteer=olivia)
    client = client_as(olivia, token=True)
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/requests/", rows=10)
