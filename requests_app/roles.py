"""Who is an organizer. Organizers are a group holding the coordinate_campaign permission."""

from django.contrib.auth.models import Group, Permission

ORGANIZERS_GROUP = "Organizers"
COORDINATE_PERMISSION = "requests_app.coordinate_campaign"

# Besides coordinating, organizers edit the directory and moderate in the admin.
ORGANIZER_MODEL_PERMISSIONS = {
    "requests_app": [
        "accessregime",
        "regimeruleset",
        "policeservice",
        "campaign",
        "recordcategory",
        "claim",
        "targetactivity",
        "accessrequest",
        "requestevent",
        "lettertemplate",
    ],
    "maps_app": ["cameralocation", "camerarevision", "servicearea", "provinceboundary"],
}


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(COORDINATE_PERMISSION))


def organizers_group_sync() -> Group:
    """Create the Organizers group if needed and give it its permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    app_label, codename = COORDINATE_PERMISSION.split(".")
    perms = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    for app, models in ORGANIZER_MODEL_PERMISSIONS.items():
        perms = perms | Permission.objects.filter(
            content_type__app_label=app, content_type__model__in=models
        )
    group.permissions.add(*perms)
    return group


def organizer_grant(user) -> None:
    """Make a user an organizer: a member of the group, with access to the admin."""
    user.groups.add(organizers_group_sync())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
