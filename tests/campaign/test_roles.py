"""Organizers get every app's permissions from one `migrate` of a fresh database."""

import pytest
from django.contrib.auth.models import Group, Permission

from requests_app.roles import ORGANIZERS_GROUP


@pytest.mark.django_db
def test_a_fresh_database_gives_organizers_every_apps_permissions():
    # The test database was just made by `migrate`, as a fresh install's is.
    group = Group.objects.get(name=ORGANIZERS_GROUP)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    for model in ("cameralocation", "camerarevision", "servicearea", "provinceboundary"):
        for action in ("add", "change", "delete", "view"):
            assert ("maps_app", f"{action}_{model}") in held
    assert ("requests_app", "coordinate_campaign") in held
    assert ("requests_app", "change_policeservice") in held
    # Nothing beyond what the apps declare: accounts stay out of organizers' reach.
    assert not Permission.objects.filter(
        group=group,
        content_type__model__in=["user", "group", "permission"],
        codename__regex=r"^(add|change|delete|view)_",
    ).exists()


def test_an_organizer_reaches_camera_moderation_in_the_admin(client, olivia):
    client.force_login(olivia)
    assert client.get("/admin/maps_app/cameralocation/").status_code == 200
    assert olivia.has_perm("maps_app.change_cameralocation")
