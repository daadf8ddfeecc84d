"""Releases: safe uploads, extraction, moderation, findings and the public findings table."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from requests_app.models import Finding, FindingRevision, Release, StoredFile
from requests_app.services.claims import claim_create
from requests_app.services.releases import (
    ReleaseError,
    finding_record,
    release_decide,
    release_upload,
)
from requests_app.services.requests import request_file
from requests_app.tasks import release_extract_text
from tests import documents
from tests.conftest import REQUIRE_SERVICES
from tests.factories import CampaignFactory, PoliceServiceFactory

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def alices_request(alice, db):
    campaign = CampaignFactory()
    service = PoliceServiceFactory(name_en="Guelph Police Service", slug="guelph-police-service")
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=TORONTO), tick=False):
        claim_create(campaign=campaign, service=service, volunteer=alice)
        return request_file(
            campaign=campaign, service=service, volunteer=alice, filed_on=date(2026, 11, 2)
        )


_capture = {}


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    """Queued extraction runs when the upload commits, as it does outside tests."""
    _capture["callbacks"] = django_capture_on_commit_callbacks


def upload(request, by, content, name="release.pdf", **extra):
    # On the embedded defaults the queued task runs in-process when the upload commits.
    # In the services run it would go to the worker, which cannot see this test's
    # uncommitted rows, so the task runs here instead (test_extraction_runs_through_the_worker
    # covers the worker).
    with _capture["callbacks"](execute=not REQUIRE_SERVICES) as queued:
        release = release_upload(
            request=request,
            by=by,
            upload=SimpleUploadedFile(name, content),
            received_on=extra.pop("received_on", date(2026, 11, 20)),
            **extra,
        )
    if REQUIRE_SERVICES and queued:
        release_extract_text(release.stored_id)
    return release


def test_an_upload_is_stored_once_under_a_generated_name_and_its_text_extracted(
    alice, alices_request
):
    content = documents.pdf(["Contract with Flock Safety", "Retention of hits: 30 days"])
    release = upload(alices_request, alice, content, name="../../etc/Contract (final).pdf")
    stored = release.stored
    assert release.original_name == "Contract (final).pdf"
    assert stored.file.name.startswith(f"releases/{stored.sha256[:2]}/{stored.sha256}.pdf")
    assert ".." not in stored.file.name
    stored.refresh_from_db()  # tasks run in-process on the embedded defaults
    assert stored.extraction == "done"
    assert stored.page_count == 2
    assert "Flock Safety" in stored.text
    assert release.moderation == "pending"

    again = upload(alices_request, alice, content, name="copy.pdf")
    assert again.stored_id == stored.pk
    assert StoredFile.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (documents.PNG, "png"),
        (documents.CSV, "csv"),
        (documents.EML, "eml"),
        (documents.xlsx(["Genetec"]), "xlsx"),
    ],
)
def test_each_accepted_kind_is_recognised_by_its_content(alice, alices_request, content, kind):
    release = upload(alices_request, alice, content, name="misleading.pdf")
    release.stored.refresh_from_db()
    assert release.stored.kind == kind
    if kind == "png":
        assert release.stored.extraction == "no_text"
        assert "OCR is not done" in release.stored.extraction_note


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03 this is a program", "report.pdf", "not a PDF, PNG, JPEG"),
        (b"", "empty.pdf", "The file is empty"),
        (b"%PDF-1.4 a damaged file with no body", "broken.pdf", "damaged"),
        (b"<html><script>alert(1)</script></html>", "page.csv", "not a PDF, PNG, JPEG"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_stored(
    alice, alices_request, content, name, message
):
    with pytest.raises(ReleaseError, match=message):
        upload(alices_request, alice, content, name=name)
    assert Release.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_size_limits_per_file_and_per_request(alice, alices_request, settings):
    settings.RELEASE_MAX_FILE_BYTES = 1000
    with pytest.raises(ReleaseError, match="larger than"):
        upload(alices_request, alice, documents.CSV + b"x,y,z\n" * 300, name="big.csv")
    settings.RELEASE_MAX_FILE_BYTES = 10_000
    settings.RELEASE_MAX_REQUEST_BYTES = len(documents.CSV) + 10
    upload(alices_request, alice, documents.CSV, name="one.csv")
    with pytest.raises(ReleaseError, match="exceed"):
        upload(alices_request, alice, documents.EML, name="two.eml")
    assert Release.objects.count() == 1


def test_a_release_date_cannot_be_in_the_future_or_before_filing(alice, alices_request):
    with pytest.raises(ReleaseError, match="future"):
        upload(alices_request, alice, documents.CSV, received_on=date(2099, 1, 1))
    with pytest.raises(ReleaseError, match="before the request was filed"):
        upload(alices_request, alice, documents.CSV, received_on=date(2026, 10, 1))


def test_only_the_requests_volunteers_and_organizers_upload(bob, olivia, alices_request):
    with pytest.raises(PermissionDenied):
        upload(alices_request, bob, documents.CSV)
    assert upload(alices_request, olivia, documents.CSV).uploaded_by == olivia


# --- Moderation and visibility -----------------------------------------------------------------


def test_an_unapproved_release_is_404_for_the_public_and_other_volunteers(
    client, alice, bob, olivia, alices_request
):
    release = upload(alices_request, alice, documents.pdf(["Secret draft"]))
    urls = [
        release.get_absolute_url(),
        f"/releases/{release.pk}/file/",
        f"/api/v1/releases/{release.pk}/",
    ]
    for user in (None, bob):
        viewer = Client()
        if user:
            viewer.force_login(user)
        for url in urls:
            assert viewer.get(url).status_code == 404, (user, url)
        assert viewer.get("/api/v1/releases/").json()["count"] == 0
        assert (
            b"Secret draft"
            not in viewer.get(f"/services/{alices_request.police_service.slug}/").content
        )
    for user in (alice, olivia):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)

    release_decide(release=release, by=olivia, decision="approved")
    public = Client()
    for url in urls:
        assert public.get(url).status_code == 200
    response = public.get(f"/releases/{release.pk}/file/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_only_organizers_moderate_and_a_refusal_needs_a_reason(
    client, alice, olivia, alices_request
):
    release = upload(alices_request, alice, documents.CSV)
    with pytest.raises(PermissionDenied):
        release_decide(release=release, by=alice, decision="approved")
    with pytest.raises(ReleaseError, match="Say why"):
        release_decide(release=release, by=olivia, decision="rejected")
    release_decide(release=release, by=olivia, decision="redaction", reason="Names on page 2")
    release_decide(release=release, by=olivia, decision="approved")
    assert [d.decision for d in release.decisions.all()] == ["redaction", "approved"]

    client.force_login(alice)
    assert client.get("/moderation/").status_code == 403
    response = client.post(release.get_absolute_url(), {"decision": "rejected", "reason": "x"})
    assert response.status_code == 200
    release.refresh_from_db()
    assert release.moderation == "approved"  # a volunteer's decision is ignored
    client.force_login(olivia)
    assert client.get("/moderation/").status_code == 200


def test_the_upload_page_flow(client, alice, alices_request):
    client.force_login(alice)
    response = client.post(
        f"/requests/{alices_request.pk}/releases/",
        {
            "file": SimpleUploadedFile("r.csv", documents.CSV),
            "received_on": "2026-11-20",
            "title": "Camera list",
        },
    )
    release = Release.objects.get()
    assert response["Location"] == release.get_absolute_url()
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Camera list" in page and "Private" in page
    response = client.post(
        f"/requests/{alices_request.pk}/releases/",
        {"file": SimpleUploadedFile("x.csv", b"\x00\x01binary"), "received_on": "2026-11-20"},
        follow=True,
    )
    assert "whatever its name says" in response.content.decode()
    assert Release.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_extraction_runs_through_the_worker(celery_worker_ready, settings, tmp_path):
    from django.contrib.auth import get_user_model

    from requests_app.roles import organizer_grant
    from requests_app.tasks import release_extract_text
    from tests.factories import UserFactory

    if REQUIRE_SERVICES:
        settings.MEDIA_ROOT = settings.BASE_DIR / "media"  # where the worker reads files
    olivia = UserFactory(email="olivia.worker@example.org")
    organizer_grant(get_user_model().objects.get(pk=olivia.pk))
    campaign = CampaignFactory()
    service = PoliceServiceFactory()
    request = request_file(
        campaign=campaign,
        service=service,
        volunteer=olivia,
        filed_on=date(2026, 11, 2),
        today=date(2026, 11, 26),
    )
    release = upload(
        request, olivia, documents.pdf(["Worker extracted this page"]), today=date(2026, 11, 26)
    )
    release_extract_text.delay(release.stored_id).get(timeout=60)
    stored = StoredFile.objects.get(pk=release.stored_id)
    assert stored.extraction == "done"
    assert "Worker extracted this page" in stored.text
    stored.file.delete(save=False)


# --- Findings -----------------------------------------------------------------------------------


@pytest.fixture
def approved_release(alice, olivia, alices_request):
    release = upload(
        alices_request, alice, documents.pdf(["Genetec AutoVu, 12 cameras", "Retention 30 days"])
    )
    release_decide(release=release, by=olivia, decision="approved")
    return release


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("fixed_cameras", "-3", "whole number"),
        ("fixed_cameras", "many", "whole number"),
        ("contract_value", "12.345", "Canadian dollars"),
        ("contract_start", "next year", "YYYY-MM-DD"),
        ("cross_border", "maybe", "yes, no or not confirmed"),
        ("vendors", "acme", "Unknown vendor"),
        ("nonsense", "1", "listed facts"),
        ("fixed_cameras", "", "Give a value"),
    ],
)
def test_bad_findings_get_a_message(alice, approved_release, field, raw, message):
    with pytest.raises(ReleaseError, match=message):
        finding_record(release=approved_release, field=field, raw_value=raw, page=1, by=alice)
    assert Finding.objects.count() == 0


@pytest.mark.parametrize(
    "raw", ["125000", "125,000.00", "$125,000", "125 000,00", "125\u00a0000,00 $"]
)
def test_contract_values_are_read_the_english_or_the_french_way(alice, approved_release, raw):
    finding = finding_record(
        release=approved_release, field="contract_value", raw_value=raw, page=1, by=alice
    )
    assert str(finding.value) == "125000.00"


def test_a_finding_must_cite_a_page_of_its_release(alice, approved_release):
    with pytest.raises(ReleaseError, match="Give the page"):
        finding_record(
            release=approved_release, field="fixed_cameras", raw_value="12", page=None, by=alice
        )
    with pytest.raises(ReleaseError, match="page is not in this release"):
        finding_record(
            release=approved_release, field="fixed_cameras", raw_value="12", page=3, by=alice
        )


def test_findings_keep_their_history_and_only_the_requests_people_record_them(
    alice, bob, approved_release
):
    with pytest.raises(PermissionDenied):
        finding_record(
            release=approved_release, field="fixed_cameras", raw_value="12", page=1, by=bob
        )
    finding_record(
        release=approved_release, field="fixed_cameras", raw_value="12", page=1, by=alice
    )
    finding = finding_record(
        release=approved_release,
        field="fixed_cameras",
        raw_value="14",
        page=1,
        by=alice,
        note="corrected",
    )
    assert finding.value == 14
    assert [r.number for r in FindingRevision.objects.filter(finding=finding).order_by("pk")] == [
        12,
        14,
    ]


def test_the_public_findings_table_and_csv(client, alice, olivia, alices_request, approved_release):
    for field, raw, page in [
        ("vendors", "genetec", 1), ("fixed_cameras", "12", 1), ("mobile_units", "3", 1),
        ("retention_hits_days", "30", 2), ("retention_non_hits_days", "0", 2),
        ("contract_value", "125,000.00", 1), ("cross_border", "unknown", 2),
    ]:  # fmt: skip
        finding_record(release=approved_release, field=field, raw_value=raw, page=page, by=alice)
    # A fact citing an unapproved release stays private.
    other = PoliceServiceFactory(
        name_en="Hidden Police", slug="hidden-police", province="BC", latitude=49, longitude=-123
    )
    from requests_app.services.requests import request_file as file_request

    hidden = file_request(
        campaign=alices_request.campaign,
        service=other,
        volunteer=olivia,
        filed_on=date(2026, 11, 2),
        today=date(2026, 11, 26),
    )
    private = upload(hidden, olivia, documents.CSV)
    finding_record(release=private, field="fixed_cameras", raw_value="99", page=None, by=olivia)

    page = client.get("/findings/")
    rows = page.context["rows"]
    assert [row["service"].slug for row in rows] == ["guelph-police-service"]
    totals = page.context["totals"]
    assert (totals["alpr_confirmed"], totals["fixed_cameras"], totals["mobile_units"]) == (1, 12, 3)
    assert totals["median_retention_hits"] == 30
    html = page.content.decode()
    assert f'href="/releases/{approved_release.pk}/#page=2"' in html
    assert "Hidden Police" not in html
    assert client.get("/findings/", {"vendor": "flock"}).context["rows"] == []
    assert client.get("/findings/", {"province": "BC"}).context["rows"] == []
    assert client.get("/findings/", {"sort": "-fixed_cameras"}).status_code == 200

    data = list(csv.DictReader(io.StringIO(client.get("/findings.csv").content.decode())))
    assert len(data) == 1
    assert data[0]["fixed_cameras"] == "12"
    assert data[0]["vendors"] == "Genetec AutoVu"
    assert data[0]["contract_value"] == "$125,000.00"
    assert data[0]["retention_hits_days_source"].endswith(
        f"/releases/{approved_release.pk}/#page=2"
    )

    api = client.get("/api/v1/findings/").json()
    assert {f["field"] for f in api["results"]} >= {"fixed_cameras", "vendors"}
    assert all(f["police_service"] == "guelph-police-service" for f in api["results"])
    service_page = client.get("/services/guelph-police-service/").content.decode()
    assert "Genetec AutoVu" in service_page


def test_released_text_is_searchable_once_approved(client, alice, olivia, alices_request):
    release = upload(
        alices_request, alice, documents.pdf(["Hotlist shared with Homeland Security"])
    )
    assert list(client.get("/releases/search/", {"q": "homeland"}).context["results"]) == []
    release_decide(release=release, by=olivia, decision="approved")
    assert list(client.get("/releases/search/", {"q": "homeland security"}).context["results"]) == [
        release
    ]


def test_the_api_shows_a_files_own_name_only_to_its_team_and_organizers(
    client, alice, bob, olivia, approved_release
):
    url = (
        f"/api/v1/releases/{approved_release.pk}/?campaign={approved_release.request.campaign.slug}"
    )
    for viewer, sees in ((None, False), (bob, False), (alice, True), (olivia, True)):
        client.logout()
        if viewer:
            client.force_login(viewer)
        data = client.get(url).json()
        assert data["original_name"] == (approved_release.original_name if sees else None)
