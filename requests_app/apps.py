from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _remember_language(sender, request, user, **kwargs):
    """A new volunteer gets e-mails in the language they signed up in."""
    from django.utils.translation import get_language

    language = (get_language() or "en")[:2]
    if language != user.language and language in ("en", "fr"):
        user.language = language
        user.save(update_fields=["language"])


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Directory and requests")
    # What organizers edit in the admin besides coordinating (requests_app/roles.py).
    organizer_models = (
        "accessregime",
        "regimeruleset",
        "policeservice",
        "municipality",
        "campaign",
        "recordcategory",
        "claim",
        "targetactivity",
        "accessrequest",
        "requestevent",
        "lettertemplate",
        "correction",
        "comment",
        "helpwanted",
        "outgoingemail",
    )

    def ready(self):
        from allauth.account.signals import user_signed_up
        from django.core.signals import request_finished, request_started

        from .roles import organizer_permissions_sync
        from .tasks import after_response_collect, after_response_run

        post_migrate.connect(organizer_permissions_sync, sender=self)
        request_started.connect(after_response_collect, dispatch_uid="tasks_after_response_start")
        request_finished.connect(after_response_run, dispatch_uid="tasks_after_response_run")
        user_signed_up.connect(_remember_language, dispatch_uid="remember_language")
