"""The coordination panels, one tag line in a page: the request and service views (shared
with other work) need no change to show them."""

from django import template
from django.urls import reverse

from .. import selectors
from ..forms import CommentForm, HelpWantedForm, TeamMessageForm

register = template.Library()


def _page(context) -> dict:
    request = context["request"]
    return {"request": request, "user": request.user, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("requests_app/_coordination_panel.html", takes_context=True)
def coordination_panel(context, subject):
    """Comments (all for the team and organizers, public ones for everyone else), the
    comment form, the help-wanted call and the watch button of a request or an appeal."""
    page = _page(context)
    panel = selectors.coordination_panel(subject, page["user"])
    prefix = "appeal_" if panel["appeal"] else ""
    return {
        **page,
        **panel,
        "comment_form": CommentForm() if panel["may_comment"] else None,
        "help_form": HelpWantedForm() if panel["may_ask_for_help"] else None,
        "urls": {
            "comment": reverse(f"requests_app:{prefix}comment_create", args=[subject.pk]),
            "help": reverse(f"requests_app:{prefix}help_wanted_open", args=[subject.pk]),
            "watch": reverse(f"requests_app:{prefix or 'request_'}watch", args=[subject.pk]),
        },
    }


@register.inclusion_tag("requests_app/_service_coordination.html", takes_context=True)
def service_coordination(context, service, target=None):
    """The watch button of a service, and the form to write to the people on its target."""
    page = _page(context)
    panel = selectors.service_coordination(service, target and target["claim"], page["user"])
    recipients = panel["recipients"]
    return {
        **page,
        **panel,
        "message_form": TeamMessageForm(claim=panel["claim"], recipients=recipients)
        if recipients
        else None,
    }
