"""The admin decides cameras only through the review service and never deletes their
history (issue 16, item 10)."""

import pytest

from maps_app.models import CameraLocation, CameraRevision
from maps_app.services import CameraError, camera_decide

from .conftest import make_camera

CHANGELIST = "/admin/maps_app/cameralocation/"


def test_the_admin_approves_through_the_service_with_the_reviewer_in_the_history(client, olivia):
    pending = make_camera(status=CameraLocation.Status.PENDING)
    client.force_login(olivia)
    response = client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.reviewed_by == olivia
    (revision,) = CameraRevision.objects.filter(camera=pending)
    assert (revision.action, revision.by) == ("approved", olivia)

    # Again: refused, nothing more written.
    response = client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )
    assert "already approved" in response.content.decode()
    assert CameraRevision.objects.filter(camera=pending).count() == 1


def test_the_admin_cannot_set_a_status_or_delete_a_camera_or_its_history(client, olivia):
    pending = make_camera(status=CameraLocation.Status.PENDING, notes="by the school")
    camera_decide(camera=pending, by=olivia, decision="rejected", reason="a doorbell camera")
    client.force_login(olivia)
    change = f"{CHANGELIST}{pending.pk}/change/"
    form = client.get(change).content.decode()
    assert 'name="status"' not in form  # shown, not editable
    assert client.get(f"{CHANGELIST}{pending.pk}/delete/").status_code == 403
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [pending.pk], "post": "yes"}
    )
    assert CameraLocation.objects.filter(pk=pending.pk).exists()
    revision = CameraRevision.objects.get(camera=pending)
    url = f"/admin/maps_app/camerarevision/{revision.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert CameraRevision.objects.filter(pk=revision.pk).exists()


def test_a_camera_is_approved_once(olivia):
    pending = make_camera(status=CameraLocation.Status.PENDING)
    camera_decide(camera=pending, by=olivia, decision="approved")
    with pytest.raises(CameraError, match="already approved"):
        camera_decide(camera=pending, by=olivia, decision="approved")
    assert CameraRevision.objects.filter(camera=pending, action="approved").count() == 1
