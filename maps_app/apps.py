from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MapsAppConfig(AppConfig):
    name = "maps_app"
    verbose_name = _("Maps")
    # What organizers moderate and edit in the admin (requests_app/roles.py).
    organizer_models = ("cameralocation", "camerarevision", "servicearea", "provinceboundary")

    def ready(self):
        from requests_app.roles import organizer_permissions_sync

        from . import signals, tasks

        signals.connect()
        tasks.connect()
        post_migrate.connect(organizer_permissions_sync, sender=self)
