"""Who is an organizer. Organizers are a group holding the coordinate_campaign permission.

Besides coordinating, organizers edit the directory and moderate in the admin. Each app
declares the models organizers manage (`organizer_models` on its AppConfig) and connects
`organizer_permissions_sync` to its own post_migrate, which runs after Django has created
that app's permissions: so a fresh database gets them all in one `migrate`.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ORGANIZERS_GROUP = "Organizers"
COORDINATE_PERMISSION = "requests_app.coordinate_campaign"


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(COORDINATE_PERMISSION))


def _organizer_permissions(app_configs) -> Q:
    wanted = Q(pk__in=[])
    for config in app_configs:
        models = getattr(config, "organizer_models", ())
        if models:
            wanted |= Q(content_type__app_label=config.label, content_type__model__in=models)
    app_label, codename = COORDINATE_PERMISSION.split(".")
    return wanted | Q(content_type__app_label=app_label, codename=codename)


def organizers_group_sync(app_configs=None) -> Group:
    """Create the Organizers group if needed and give it the permissions the apps declare
    (all apps, or the ones given); idempotent."""
    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    configs = apps.get_app_configs() if app_configs is None else app_configs
    group.permissions.add(*Permission.objects.filter(_organizer_permissions(configs)))
    return group


def organizer_permissions_sync(sender, **kwargs) -> None:
    """post_migrate receiver: add the migrated app's organizer permissions to the group."""
    organizers_group_sync([sender])


def organizers():
    """The active organizers (who get the weekly appeals summary)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__permissions__codename=COORDINATE_PERMISSION.split(".")[1]
        )
        .distinct()
    )


def organizer_grant(user) -> None:
    """Make a user an organizer: a member of the group, with access to the admin."""
    user.groups.add(organizers_group_sync())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
