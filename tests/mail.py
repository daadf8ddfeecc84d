"""E-mail as the tests read it."""

from django.core import mail

from requests_app.services.notify import outgoing_emails_deliver


def sent_mail() -> list:
    """Django's test outbox once the site's outbox is delivered, as the task queued when a
    change commits delivers it (a test's changes are never committed)."""
    outgoing_emails_deliver()
    return mail.outbox
