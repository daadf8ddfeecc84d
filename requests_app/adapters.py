"""allauth, adapted: its e-mails (address confirmation, password reset) go through the
outbox like the site's own, so no sign-up or log-in waits for an SMTP server."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from .services.notify import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        # Each is its own: a confirmation asked for twice is sent twice.
        key = f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}"
        email_queue(message, key=key, language=translation.get_language() or "")
