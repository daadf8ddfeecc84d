"""Hostile files: each gets a clear message or is made harmless, and nothing else changes.

Every file is made here, in memory or sparse on disk: nothing large is kept in the
repository. docs/reliability.md records what was tried and what happened.
"""

import io
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from maps_app.models import CameraLocation
from maps_app.services import CameraError, camera_submit
from requests_app import extraction
from requests_app.filetypes import orphans_remove
from requests_app.models import Release, RequestEvent, StoredFile
from requests_app.services.claims import claim_create
from requests_app.services.releases import ReleaseError, release_decide, release_upload
from requests_app.services.requests import RequestError, request_file, request_status_record
from requests_app.tasks import (
    release_extract_text,
    release_extraction_queue,
    stored_files_orphans_remove,
)
from tests import documents
from tests.conftest import REQUIRE_SERVICES
from tests.factories import CampaignFactory, PoliceServiceFactory

TORONTO = ZoneInfo("America/Toronto")
HTML_AS_JPEG = b"\xff\xd8\xff\xe0<html><body><script>alert(document.cookie)</script></body></html>"


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
    _capture["callbacks"] = django_capture_on_commit_callbacks


def upload(request, by, content, name="release.pdf"):
    """Upload and extract, as on commit outside tests (in the services run the worker
    cannot see this test's rows, so the task runs here: see test_releases.upload)."""
    with _capture["callbacks"](execute=not REQUIRE_SERVICES) as queued:
        release = release_upload(
            request=request,
            by=by,
            upload=SimpleUploadedFile(name, content),
            received_on=date(2026, 11, 20),
            today=date(2026, 11, 26),
        )
    if REQUIRE_SERVICES and queued:
        release_extract_text(release.stored_id)
    return release


def nothing_stored():
    return not (
        Release.objects.exists() or StoredFile.objects.exists() or CameraLocation.objects.exists()
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Disguised files ---------------------------------------------------------------------


def test_html_named_x_html_with_a_jpeg_signature_is_refused_as_a_camera_photo(client, alice):
    """The reported bug: it was saved under its own name and served inline as text/html."""
    client.force_login(alice)
    photo = SimpleUploadedFile("x.html", HTML_AS_JPEG, content_type="image/jpeg")
    response = client.post(
        "/map/cameras/new/",
        {
            "latitude": "43.6532",
            "longitude": "-79.3832",
            "kind": "fixed",
            "source": "field",
            "confidence": "likely",
            "photo": photo,
        },
    )
    assert response.status_code == 200
    assert "The photo must be a JPEG, PNG or WebP image." in response.content.decode()
    assert nothing_stored()


def test_a_real_photo_carrying_a_script_and_a_location_is_cleaned_and_served_safely(
    client, alice, settings
):
    camera = camera_submit(
        by=alice,
        latitude=43.65,
        longitude=-79.38,
        source="field",
        photo=SimpleUploadedFile("x.html", documents.jpeg_with_secrets(), content_type="text/html"),
    )
    stored = camera.photo
    assert stored.kind == "jpeg"
    assert stored.file.name.endswith(f"{stored.sha256}.jpeg")  # not the uploader's name
    client.force_login(alice)
    response = client.get(f"/map/cameras/{camera.pk}/photo/")
    served = body(response)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="camera-{camera.pk}-photo.jpeg"' in response["Content-Disposition"]
    assert b"<script>" not in served and b"<html>" not in served
    image = Image.open(io.BytesIO(served))
    assert not image.getexif()  # no description, no GPS position
    assert "comment" not in image.info


def test_a_photo_that_is_a_pdf_or_too_large_is_refused(alice, settings):
    for content, message in [
        (documents.pdf(["not a photo"]), "must be a JPEG, PNG or WebP"),
        (documents.image("PNG", size=(10, 10)) * 2000, "larger than 0 MB"),
    ]:
        settings.CAMERA_PHOTO_MAX_BYTES = 20_000
        with pytest.raises(CameraError, match=message):
            camera_submit(
                by=alice,
                latitude=43.65,
                longitude=-79.38,
                source="field",
                photo=SimpleUploadedFile("cam.jpg", content),
            )
    assert nothing_stored()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (HTML_AS_JPEG, "page.jpg"),
        (b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "page.png"),
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "page.pdf"),
        (b"PK\x03\x04<html><script>alert(1)</script></html>", "page.xlsx"),
        (b"GIF89a<script>alert(1)</script>", "page.gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "page.svg"),
    ],
)
def test_polyglots_and_scripts_are_refused_as_releases(alice, alices_request, content, name):
    with pytest.raises(ReleaseError) as refused:
        upload(alices_request, alice, content, name=name)
    assert "damaged" in str(refused.value) or "whatever its name says" in str(refused.value)
    assert nothing_stored()


def test_a_valid_pdf_with_html_after_it_is_only_ever_served_as_a_sandboxed_pdf(
    client, alice, alices_request
):
    content = documents.pdf(["Retention 30 days"]) + b"<html><script>alert(1)</script></html>"
    release = upload(alices_request, alice, content, name="x.html")
    client.force_login(alice)
    response = client.get(f"/releases/{release.pk}/file/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert f'filename="release-{release.pk}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_status_step_attachments_are_checked_like_every_upload(alice, alices_request):
    """They accepted any type before; now an HTML page is refused and no step is logged."""
    with pytest.raises(RequestError, match="not a PDF, an image or an e-mail"):
        request_status_record(
            request=alices_request,
            status="acknowledged",
            occurred_on=date(2026, 11, 20),
            by=alice,
            attachment=SimpleUploadedFile("ack.html", b"<html><script>alert(1)</script>"),
            today=date(2026, 11, 26),
        )
    assert not RequestEvent.objects.filter(status="acknowledged").exists()
    assert not StoredFile.objects.exists()


def _tiff(pages: int) -> bytes:
    frames = [Image.new("L", (3, 2), shade) for shade in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], description="Alice")
    return out.getvalue()


def test_a_scanned_tiff_keeps_every_page_and_loses_its_tags(alice, alices_request):
    release = upload(alices_request, alice, _tiff(3), name="scan.tif")
    with release.stored.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.n_frames == 3
        assert 270 not in stored.tag_v2  # ImageDescription
    with pytest.raises(ReleaseError, match="more than 1000 pages"):
        upload(alices_request, alice, _tiff(1001), name="many.tif")


# --- Sizes and bombs -----------------------------------------------------------------------


class _CountingUpload(TemporaryUploadedFile):
    """Django's temporary upload, noting whether anyone read it."""

    read_at_all = False

    def chunks(self, chunk_size=None):
        self.read_at_all = True
        return super().chunks(chunk_size)


def test_a_60_mb_file_is_refused_before_it_is_read(alice, alices_request):
    big = _CountingUpload("scan.pdf", "application/pdf", 60_000_000, None)
    big.file.truncate(60_000_000)  # sparse: 60 MB long, nothing on disk
    big.file.seek(0)
    with pytest.raises(ReleaseError, match="larger than 50 MB"):
        release_upload(
            request=alices_request,
            by=alice,
            upload=big,
            received_on=date(2026, 11, 20),
            today=date(2026, 11, 26),
        )
    assert not big.read_at_all
    big.close()
    assert nothing_stored()


def test_a_file_longer_than_it_says_is_refused_while_it_is_read(alice, alices_request, settings):
    settings.RELEASE_MAX_FILE_BYTES = 100_000
    content = documents.CSV + b"1,x,y\n" * 50_000
    lying = InMemoryUploadedFile(io.BytesIO(content), "file", "a.csv", "text/csv", 10, None)
    with pytest.raises(ReleaseError, match="larger than 0 MB"):
        release_upload(
            request=alices_request,
            by=alice,
            upload=lying,
            received_on=date(2026, 11, 20),
            today=date(2026, 11, 26),
        )
    assert nothing_stored()


def test_a_zip_bomb_spreadsheet_is_refused_from_its_declared_sizes(alice, alices_request, settings):
    settings.FILE_MAX_UNPACKED_BYTES = 2_000_000
    bomb = documents.xlsx_bomb(5_000_000)  # a few KB that unpack to 5 MB
    assert len(bomb) < 20_000
    with pytest.raises(ReleaseError, match="unpacks to more than 2 MB"):
        upload(alices_request, alice, bomb, name="cameras.xlsx")
    assert nothing_stored()


def test_extraction_reads_a_spreadsheet_part_no_further_than_the_limit(settings):
    """Even if an archive lies about its sizes, extraction stops reading at the limit."""
    settings.FILE_MAX_UNPACKED_BYTES = 1_000_000
    with pytest.raises(extraction.ExtractionError, match="more than 1 MB"):
        extraction.extract("xlsx", documents.xlsx_bomb(3_000_000), seconds=30)


def test_entity_expansion_in_a_spreadsheet_is_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&b;</t></si></sst>"
    )
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", laughs)
    with pytest.raises(extraction.ExtractionError, match="XML entities"):
        extraction.extract("xlsx", out.getvalue(), seconds=30)


def test_a_pdf_whose_pages_reuse_one_huge_stream_fails_quickly_with_a_message(
    alice, alices_request
):
    bomb = documents.pdf_stream_bomb(pages=10, unpacked=20_000_000)  # 60 KB on disk
    started = time.monotonic()
    release = upload(alices_request, alice, bomb, name="bomb.pdf")
    stored = StoredFile.objects.get(pk=release.stored_id)
    assert time.monotonic() - started < 15
    assert stored.extraction == "failed"
    assert "No page of this PDF could be read" in stored.extraction_note
    assert stored.page_count == 10  # still citable by page
    assert stored.text == ""


def test_an_extraction_past_its_time_is_recorded_as_failed(alice, alices_request, settings):
    settings.EXTRACTION_SECONDS = 1
    slow = documents.pdf_stream_bomb(pages=40, unpacked=400_000)  # about 0.4 s a page
    started = time.monotonic()
    release = upload(alices_request, alice, slow, name="slow.pdf")
    stored = StoredFile.objects.get(pk=release.stored_id)
    assert time.monotonic() - started < 6
    assert stored.extraction == "failed"
    assert stored.extraction_note.startswith("Text extraction stopped after 1 seconds")
    assert stored.page_count == 40


def test_pages_and_characters_kept_are_capped(alice, alices_request, settings):
    settings.EXTRACTION_MAX_PAGES = 2
    release = upload(alices_request, alice, documents.pdf(["one", "two", "three"]))
    stored = StoredFile.objects.get(pk=release.stored_id)
    assert stored.page_count == 3
    assert stored.text == "one\ftwo"
    assert "Only the first 2 of 3 pages are searchable." in stored.extraction_note

    settings.EXTRACTION_MAX_CHARS = 100
    release = upload(alices_request, alice, documents.CSV + b"2,y,z\n" * 100, name="x.csv")
    stored = StoredFile.objects.get(pk=release.stored_id)
    assert len(stored.text) == 100
    assert "Only the first 100 characters are searchable." in stored.extraction_note


@pytest.mark.parametrize("size", [(10_000, 8_500), (60_000, 60_000)])
def test_an_image_bomb_is_refused_before_it_is_decoded(alice, alices_request, size):
    bomb = documents.png_claiming(*size)  # a few dozen bytes claiming 85 million pixels or more
    with pytest.raises(ReleaseError, match="too many pixels"):
        upload(alices_request, alice, bomb, name="scan.png")
    assert nothing_stored()


# --- Without a worker, extraction waits for the response ------------------------------------


def test_without_a_worker_extraction_runs_after_the_response(alice, alices_request, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    release = upload(alices_request, alice, documents.CSV, name="a.csv")
    stored = StoredFile.objects.get(pk=release.stored_id)
    StoredFile.objects.filter(pk=stored.pk).update(extraction="pending", text="")
    # As the test client does: the test's database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        release_extraction_queue(stored.pk)
        stored.refresh_from_db()
        assert stored.extraction == "pending"  # the page that answered the upload says so
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    stored.refresh_from_db()
    assert stored.extraction == "done"


# --- The text is never loaded in lists ----------------------------------------------------


def test_lists_and_pages_never_load_a_releases_text(client, alice, olivia, alices_request):
    release = upload(alices_request, alice, documents.pdf(["Genetec contract"]))
    release_decide(release=release, by=olivia, decision="approved")
    service = alices_request.police_service
    client.force_login(olivia)
    pages = [
        alices_request.get_absolute_url(),
        f"/services/{service.slug}/?campaign={alices_request.campaign.slug}",
        "/releases/search/?q=Genetec",
        f"/releases/{release.pk}/",
        "/moderation/",
        f"/api/v1/releases/?campaign={alices_request.campaign.slug}",
        "/activity/",
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        selected = [q["sql"].split(" FROM ")[0] for q in queries.captured_queries]
        assert not any('"requests_app_storedfile"."text"' in s for s in selected), url
    assert b"Genetec" in client.get("/releases/search/?q=Genetec").content


def test_the_file_of_a_rolled_back_upload_is_removed_and_kept_files_stay(
    alice, alices_request, settings
):
    kept = upload(alices_request, alice, documents.pdf(["Kept contract"]))
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = upload(alices_request, alice, documents.pdf(["Rolled back memo"]))
        raise RuntimeError("the request failed after the upload")
    storage = StoredFile._meta.get_field("file").storage
    orphan = lost.stored.file.name
    assert storage.exists(orphan) and not StoredFile.objects.filter(file=orphan).exists()
    # An upload still in progress may be younger than the grace: it stays.
    assert orphans_remove(older_than=timezone.now() - timedelta(hours=1)) == []
    assert orphans_remove(older_than=timezone.now() + timedelta(seconds=1)) == [orphan]
    assert not storage.exists(orphan)
    assert storage.exists(kept.stored.file.name)
    assert stored_files_orphans_remove.name in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
