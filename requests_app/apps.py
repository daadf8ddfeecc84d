from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_organizers(sender, **kwargs):
    from .roles import organizers_group_sync

    organizers_group_sync()


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Directory and requests")

    def ready(self):
        post_migrate.connect(_sync_organizers, sender=self)
