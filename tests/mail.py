"""E-mail as the tests read it."""

import time
from pathlib import Path

from django.core import mail

from requests_app.services.notify import outgoing_emails_deliver


def sent_mail() -> list:
    """Django's test outbox once the site's outbox is delivered, as the task queued when a
    change commits delivers it (a test's changes are never committed)."""
    outgoing_emails_deliver()
    return mail.outbox


def delivered_by_the_worker(folder, address: str, *, seconds: float = 30) -> str:
    """What the worker has written to the mail folder (Django's file backend, CI's
    EMAIL_URL) once a message to `address` is there: the worker delivers after its task."""
    deadline = time.monotonic() + seconds
    while True:
        sent = "".join(path.read_text() for path in Path(folder).glob("*.log"))
        if f"To: {address}" in sent or time.monotonic() > deadline:
            return sent
        time.sleep(0.2)
