"""allauth, adapted to the campaign: its e-mails (address confirmation, password reset) go
through the outbox like the site's own, so no sign-up or log-in waits for an SMTP server;
the client's address behind a proxy; failed logins that cannot lock a volunteer out."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from .ratelimit import client_address
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

    def get_client_ip(self, request) -> str:
        """The address our own limits use (TRUSTED_PROXY_COUNT), for every allauth limit."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed logins per address ("10/m/ip") and per this key (5 in 5
        # minutes). Its key is the e-mail alone, so five wrong passwords from anywhere would
        # lock the volunteer out everywhere; with the address in it, a guesser only locks
        # themselves out. (A hook of allauth 65, pinned in pyproject.toml.)
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"
