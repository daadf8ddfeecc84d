from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsAppConfig(AppConfig):
    name = "maps_app"
    verbose_name = _("Maps")

    def ready(self):
        from . import signals

        signals.connect()
