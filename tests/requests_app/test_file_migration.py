"""Files stored before the one upload path keep working after migrations requests_app 0019
and maps_app 0004: each is checked by its content, stored under a generated name and
served like a new upload; what fails the checks is only ever downloaded."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

from maps_app.models import CameraLocation
from requests_app.models import Correction, RequestEvent
from tests import documents

BEFORE = [
    ("requests_app", "0019_dashboard_organizer_reminder"),
    ("maps_app", "0003_demo_flags"),
]
HTML_AS_JPEG = b"\xff\xd8\xff\xe0<html><script>alert(document.cookie)</script></html>"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps):
    """What the site stored before: files under the uploaders' names."""
    saved = {
        name: default_storage.save(name, ContentFile(content))
        for name, content in [
            ("events/2026/11/ack.pdf", documents.pdf(["Acknowledged"])),
            ("corrections/reply.html", b"<html><script>alert(1)</script></html>"),
            ("camera_photos/2026/11/x.html", HTML_AS_JPEG),
            ("camera_photos/2026/11/me.jpg", documents.jpeg_with_secrets()),
        ]
    }
    user = apps.get_model("requests_app", "User").objects.create(email="old@example.org")
    service = apps.get_model("requests_app", "PoliceService").objects.order_by("pk").first()
    request = apps.get_model("requests_app", "AccessRequest").objects.create(
        campaign=apps.get_model("requests_app", "Campaign").objects.first(),
        police_service=service,
        volunteer=user,
        regime_id=service.regime_id,
    )
    apps.get_model("requests_app", "RequestEvent").objects.create(
        request=request,
        status="acknowledged",
        occurred_on=date(2026, 11, 20),
        logged_by=user,
        attachment=saved["events/2026/11/ack.pdf"],
    )
    apps.get_model("requests_app", "Correction").objects.create(
        police_service=service,
        target="service",
        field="foi_email",
        proposed_by=user,
        letter=saved["corrections/reply.html"],
        letter_kind="eml",
        letter_name="reply.html",
    )
    camera = apps.get_model("maps_app", "CameraLocation")
    for name, status in [("x.html", "pending"), ("me.jpg", "approved")]:
        camera.objects.create(
            latitude=43.65,
            longitude=-79.38,
            source="field",
            status=status,
            photo=saved[f"camera_photos/2026/11/{name}"],
        )


@pytest.mark.django_db(transaction=True)
def test_files_stored_before_the_one_upload_path_keep_working(
    settings, tmp_path, client, directory, olivia
):
    settings.MEDIA_ROOT = tmp_path / "media"
    try:
        _old_rows(_migrate(BEFORE))
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # forward to today

    event = RequestEvent.objects.get(status="acknowledged")
    assert (event.attachment.kind, event.attachment_name) == ("pdf", "ack.pdf")
    assert event.attachment.page_count == 1
    client.force_login(olivia)
    served = client.get(f"/requests/{event.request_id}/events/{event.pk}/attachment/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"

    correction = Correction.objects.get()
    assert correction.letter.kind == ""  # not a letter at all: kept, only ever downloaded
    served = client.get(f"/corrections/{correction.pk}/letter/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"

    disguised = CameraLocation.objects.get(status="pending").photo
    assert disguised.kind == ""
    photo = CameraLocation.objects.get(status="approved")
    assert photo.photo.kind == "jpeg"
    client.logout()
    served = client.get(f"/map/cameras/{photo.pk}/photo/")
    content = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(content)).getexif()  # re-encoded: the location is gone
    assert b"<script>" not in content
