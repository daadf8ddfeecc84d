"""Submitting cameras, moderating them, and who may see what."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app.models import CameraLocation, CameraRevision
from maps_app.selectors import nearby_cameras
from maps_app.services import CameraError, camera_decide, camera_submit
from requests_app.models import Release
from tests import documents

from .conftest import make_camera, make_release

NEW = "/map/cameras/new/"
REVIEW = "/map/cameras/review/"
PNG = documents.PNG


def form_data(**overrides):
    data = {
        "latitude": "43.653200",
        "longitude": "-79.383200",
        "directions": "90; NE",
        "kind": "fixed",
        "vendor": "flock",
        "mount": "pole",
        "source": "field",
        "confidence": "confirmed",
        "notes": "On the pole by the gas station",
    }
    data.update(overrides)
    return data


def detail(camera):
    return f"/map/cameras/{camera.pk}/"


def test_anonymous_people_are_sent_to_log_in_to_report(client, db):
    response = client.get(NEW)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(NEW, form_data()).status_code == 302
    assert not CameraLocation.objects.exists()


def test_a_volunteer_reports_a_camera_that_waits_for_review(client, alice, toronto):
    client.force_login(alice)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, form_data())
    camera = CameraLocation.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(camera)
    assert camera.status == "pending"
    assert camera.directions == [90, 45]
    assert camera.submitted_by == alice
    assert camera.police_service == toronto  # suggested: the nearest service
    assert camera.revisions.get().action == CameraRevision.Action.SUBMITTED


def test_it_refuses_a_point_outside_canada(client, alice):
    client.force_login(alice)
    response = client.post(NEW, form_data(latitude="40.7128", longitude="-74.0060"))
    assert response.status_code == 200
    assert "outside Canada" in response.content.decode()
    assert not CameraLocation.objects.exists()


def test_it_refuses_directions_it_cannot_read(client, alice):
    client.force_login(alice)
    response = client.post(NEW, form_data(directions="north-ish"))
    assert "Not a direction" in response.content.decode()
    assert not CameraLocation.objects.exists()


def test_a_possible_duplicate_within_25_m_is_flagged_before_saving(client, alice, toronto):
    existing = make_camera(latitude=Decimal("43.653300"), longitude=Decimal("-79.383200"))  # ~11 m
    client.force_login(alice)
    response = client.post(NEW, form_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert f"#{existing.pk}" in page and "different camera" in page
    assert CameraLocation.objects.count() == 1
    response = client.post(NEW, form_data(not_a_duplicate="on"))
    assert response.status_code == 302
    assert CameraLocation.objects.count() == 2


def test_a_camera_30_m_away_is_not_a_duplicate(alice, db):
    make_camera(latitude=Decimal("43.653470"), longitude=Decimal("-79.383200"))  # ~30 m north
    camera_submit(by=alice, latitude=43.6532, longitude=-79.3832, source="field")
    assert CameraLocation.objects.count() == 2


def test_another_volunteers_pending_camera_is_not_revealed_as_a_duplicate(alice, bob, db):
    make_camera(status="pending", submitted_by=bob)
    camera_submit(by=alice, latitude=43.6532, longitude=-79.3832, source="field")
    assert CameraLocation.objects.count() == 2


def test_a_release_source_must_be_one_the_volunteer_may_see(alice, bob, campaign, toronto, db):
    bobs = make_release(
        campaign=campaign, service=toronto, volunteer=bob, moderation=Release.Moderation.PENDING
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        camera_submit(by=alice, latitude=43.65, longitude=-79.38, source="release", release=bobs)
    with pytest.raises(CameraError):
        camera_submit(by=alice, latitude=43.65, longitude=-79.38, source="release")
    with pytest.raises(CameraError):
        camera_submit(by=alice, latitude=43.65, longitude=-79.38, source="council")


def test_the_suggestion_endpoint_names_the_service_and_nearby_cameras(client, alice, toronto):
    make_camera(latitude=Decimal("43.6533"))
    # An API endpoint: a sign-in is asked for (401), not a redirect to the login page.
    assert client.get("/api/map/suggest", {"lat": 43.6532, "lon": -79.3832}).status_code == 401
    client.force_login(alice)
    data = client.get("/api/map/suggest", {"lat": 43.6532, "lon": -79.3832}).json()
    assert data["service"]["name"] == "Toronto Police Service"
    assert len(data["duplicates"]) == 1
    assert client.get("/api/map/suggest", {"lat": "x", "lon": 1}).status_code == 400
    assert client.get("/api/map/suggest", {"lat": 51.5, "lon": -0.1}).status_code == 400


# --- Who sees what ------------------------------------------------------------------------


@pytest.fixture
def alices_pending(alice, db):
    return make_camera(status="pending", submitted_by=alice)


def test_a_pending_camera_is_seen_only_by_its_submitter_and_organizers(
    client, alice, bob, olivia, alices_pending
):
    assert client.get(detail(alices_pending)).status_code == 404
    client.force_login(bob)
    assert client.get(detail(alices_pending)).status_code == 404
    client.force_login(alice)
    assert client.get(detail(alices_pending)).status_code == 200
    client.force_login(olivia)
    page = client.get(detail(alices_pending)).content.decode()
    assert "Record the decision" in page
    assert "alice@example.org" not in page


def test_photos_are_private_until_the_camera_is_approved(client, alice, bob, olivia):
    camera = camera_submit(
        by=alice,
        latitude=43.65,
        longitude=-79.38,
        source="field",
        photo=SimpleUploadedFile("cam.png", PNG, content_type="image/png"),
    )
    url = f"/map/cameras/{camera.pk}/photo/"
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    camera_decide(camera=camera, by=olivia, decision="approved")
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    assert not str(camera.photo.file.url).startswith(
        "/map/"
    )  # stored privately, served by the view


def test_a_photo_must_really_be_an_image(client, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("cam.png", b"<html>not an image</html>", content_type="image/png")
    response = client.post(NEW, {**form_data(), "photo": fake})
    assert "must be a JPEG, PNG or WebP" in response.content.decode()


def test_my_cameras_lists_only_mine(client, alice, bob):
    make_camera(status="pending", submitted_by=alice, notes="mine")
    theirs = make_camera(status="pending", submitted_by=bob, latitude=Decimal("44.0"))
    client.force_login(alice)
    page = client.get("/map/cameras/mine/").content.decode()
    assert f'href="/map/cameras/{theirs.pk}/"' not in page
    assert "Waiting for review" in page


# --- Moderation --------------------------------------------------------------------------------


def test_only_organizers_see_the_review_queue(client, alice, olivia, alices_pending):
    assert client.get(REVIEW).status_code == 302
    client.force_login(alice)
    assert client.get(REVIEW).status_code == 403
    client.force_login(olivia)
    response = client.get(REVIEW)
    assert response.status_code == 200
    assert f"/map/cameras/{alices_pending.pk}/" in response.content.decode()


def test_the_queue_flags_possible_duplicates(client, olivia, alices_pending):
    other = make_camera(latitude=Decimal("43.65325"))
    client.force_login(olivia)
    assert f'href="/map/cameras/{other.pk}/">#{other.pk}</a>' in client.get(REVIEW).content.decode()


def test_a_volunteer_cannot_approve(client, alice, bob, alices_pending):
    for user in (alice, bob):
        client.force_login(user)
        response = client.post(
            f"/map/cameras/{alices_pending.pk}/decide/", {"decision": "approved"}
        )
        assert response.status_code == 403
    alices_pending.refresh_from_db()
    assert alices_pending.status == "pending"


def test_an_organizer_approves_and_the_camera_becomes_public(client, olivia, alices_pending):
    client.force_login(olivia)
    response = client.post(
        f"/map/cameras/{alices_pending.pk}/decide/", {"decision": "approved", "next": "queue"}
    )
    assert response.status_code == 302 and response["Location"] == REVIEW
    alices_pending.refresh_from_db()
    assert alices_pending.status == "approved"
    assert alices_pending.reviewed_by == olivia
    client.logout()
    assert client.get(detail(alices_pending)).status_code == 200
    assert [r.action for r in alices_pending.revisions.all()] == ["approved"]


def test_rejecting_needs_a_reason_which_the_volunteer_sees(client, alice, olivia, alices_pending):
    with pytest.raises(CameraError):
        camera_decide(camera=alices_pending, by=olivia, decision="rejected")
    camera_decide(
        camera=alices_pending, by=olivia, decision="rejected", reason="This is a speed camera"
    )
    client.force_login(alice)
    assert "This is a speed camera" in client.get(detail(alices_pending)).content.decode()
    client.logout()
    assert client.get(detail(alices_pending)).status_code == 404


def test_revisions_are_append_only(alices_pending, olivia):
    from django.core.exceptions import ValidationError

    camera_decide(camera=alices_pending, by=olivia, decision="approved")
    revision = alices_pending.revisions.get()
    with pytest.raises(ValidationError):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()


def test_an_organizers_edit_in_the_admin_is_kept_as_a_revision(
    client, alice, olivia, alices_pending
):
    client.force_login(olivia)
    response = client.post(
        f"/admin/maps_app/cameralocation/{alices_pending.pk}/change/",
        {
            "latitude": "43.653200",
            "longitude": "-79.383200",
            "directions": "[90]",
            "kind": "fixed",
            "vendor": "motorola",
            "source": "field",
            "osm_tags": "{}",
            "confidence": "likely",
            "status": "pending",
            "submitted_by": alice.pk,
            "created_at_0": "2026-03-01",
            "created_at_1": "10:00:00",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    revision = alices_pending.revisions.get()
    assert (revision.action, revision.by) == (CameraRevision.Action.EDITED, olivia)
    assert revision.data["vendor"] == "motorola" and revision.data["directions"] == [90]


def test_the_database_refuses_a_camera_outside_canada(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_camera(latitude=Decimal("10.0"))


# --- The map page -------------------------------------------------------------------------------


def test_the_map_page_is_public_with_legend_counters_and_credits(client, campaign):
    response = client.get("/map/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Unclaimed",
        "Claimed",
        "Request filed",
        "Overdue",
        "Records released",
        "OpenStreetMap contributors",
        "Statistics Canada",
        'id="map-config"',
        "/static/leaflet/leaflet.js",
    ):
        assert text in page
    assert "https://unpkg" not in page and "cdn" not in page.lower()


def test_the_counters_agree_with_their_numbers_in_both_languages(
    client, campaign, toronto, alice, django_capture_on_commit_callbacks
):
    def counters(url):
        html = client.get(url).content.decode()
        start = html.index('class="map-counters"')
        figures = html[start : html.index("</ul>", start)]
        return " ".join(re.sub(r"<[^>]+>", " ", figures).split())

    assert "0 requests filed 0 releases published 0 cameras mapped" in counters("/map/")
    assert "0 demande déposée 0 document publié 0 caméra cartographiée" in counters("/fr/map/")
    # The counters are cached until the data changes, which is announced on commit.
    with django_capture_on_commit_callbacks(execute=True):
        make_release(campaign=campaign, service=toronto, volunteer=alice)
        make_camera()
    assert "1 request filed 1 release published 1 camera mapped" in counters("/map/embed/")
    assert "1 demande déposée 1 document publié 1 caméra cartographiée" in counters(
        "/fr/map/embed/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_camera(latitude=Decimal("43.7"))
    assert "2 cameras mapped" in counters("/map/")
    assert "2 caméras cartographiées" in counters("/fr/map/")


def test_the_embed_may_be_framed_and_the_page_may_not(client, db):
    assert client.get("/map/")["X-Frame-Options"] == "DENY"
    embed = client.get("/map/embed/")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "Open the full map" in embed.content.decode()


def test_the_map_is_in_french_too(client, db):
    assert client.get("/fr/map/").status_code == 200


def test_a_volunteer_can_claim_from_the_map(client, alice, campaign):
    client.force_login(alice)
    import json
    import re

    page = client.get("/map/").content.decode()
    config = json.loads(
        re.search(r'id="map-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert config["canClaim"] is True
    assert config["claimUrl"] == "/services/__slug__/claim/"
    assert config["campaign"] == campaign.slug


def pending_queue(size, *, alice, bob, release):
    """`size` pending cameras 1 km apart, each with a rejected camera 5 m east and an approved
    one 30 m south (neither a possible duplicate). Even ones have an approved camera 11 m
    north (the first also one 20 m north); odd ones a pending camera of bob's 11 m north.
    Returns the possible duplicates each pending camera should show, nearest first."""
    expected = {}
    for i in range(size):
        latitude, longitude = Decimal("43.6") + Decimal("0.01") * i, Decimal("-79.4")
        camera = make_camera(
            status="pending",
            submitted_by=alice,
            latitude=latitude,
            longitude=longitude,
            source="release",
            release=release,
        )
        make_camera(status="rejected", latitude=latitude, longitude=longitude + Decimal("0.00006"))
        make_camera(latitude=latitude - Decimal("0.00027"), longitude=longitude)
        if i % 2:
            twin = make_camera(
                status="pending",
                submitted_by=bob,
                latitude=latitude + Decimal("0.0001"),
                longitude=longitude,
            )
            expected[camera.pk], expected[twin.pk] = [twin.pk], [camera.pk]
        else:
            expected[camera.pk] = [
                make_camera(latitude=latitude + Decimal(d), longitude=longitude).pk
                for d in (("0.0001", "0.00018") if i == 0 else ("0.0001",))
            ]
    return expected


def queue_duplicates(response):
    return {row.camera.pk: [c.pk for c, _m in row.duplicates] for row in response.context["rows"]}


def test_the_queue_shows_the_duplicates_the_camera_page_shows(
    client, alice, bob, olivia, campaign, toronto
):
    release = make_release(campaign=campaign, service=toronto, volunteer=alice)
    expected = pending_queue(6, alice=alice, bob=bob, release=release)
    client.force_login(olivia)
    response = client.get(REVIEW)
    assert queue_duplicates(response) == expected
    for row in response.context["rows"]:
        camera = row.camera
        assert row.duplicates == nearby_cameras(
            float(camera.latitude),
            float(camera.longitude),
            user=olivia,
            metres=25,
            exclude_pk=camera.pk,
        )


def test_the_queue_costs_as_many_queries_for_20_cameras_as_for_2(
    client, alice, bob, olivia, campaign, toronto, django_assert_num_queries
):
    release = make_release(campaign=campaign, service=toronto, volunteer=alice)
    client.force_login(olivia)
    expected = pending_queue(2, alice=alice, bob=bob, release=release)
    with CaptureQueriesContext(connection) as queries_for_2:
        assert queue_duplicates(client.get(REVIEW)) == expected
    CameraLocation.objects.all().delete()
    expected = pending_queue(20, alice=alice, bob=bob, release=release)
    with django_assert_num_queries(len(queries_for_2)):
        response = client.get(REVIEW)
    assert queue_duplicates(response) == expected
