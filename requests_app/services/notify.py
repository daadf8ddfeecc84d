"""E-mail: written to the outbox in the transaction of the change it tells about, sent by
a task once that transaction has committed (never over SMTP inside a web request or a
transaction), and sent once (docs/reliability.md, "E-mail")."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import OutgoingEmail

logger = logging.getLogger(__name__)

# Past this many failed attempts an e-mail is left for an organizer to look at in the admin.
MAX_ATTEMPTS = 10


def email_send(*, template: str, recipient, context: dict, key: str) -> None:
    """Queue templates/emails/<template>_subject.txt and _body.txt for the recipient, in
    their language. `key` names what the e-mail tells about: the same key is queued once."""
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    email_queue(
        EmailMessage(subject, body, None, [recipient.email]),
        key=f"{template}:{key}",
        language=language,
    )


def email_queue(message: EmailMessage, *, key: str, language: str = "") -> None:
    """Write a rendered message to the outbox (once per key) and have it sent after commit."""
    html = next(
        (content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"),
        "",
    )
    with transaction.atomic():
        for recipient in message.to:
            email, created = OutgoingEmail.objects.get_or_create(
                key=key if len(message.to) == 1 else f"{key}:{recipient}",
                defaults={
                    "recipient": recipient,
                    "subject": message.subject,
                    "body": message.body,
                    "html": html,
                    "language": language,
                },
            )
            if created:
                from ..tasks import outgoing_email_queue

                transaction.on_commit(lambda pk=email.pk: outgoing_email_queue(pk), robust=True)


def outgoing_emails_deliver(*, ids: list[int] | None = None) -> int:
    """Send the outbox's pending e-mails (those named, or all that have attempts left), each
    marked sent in the transaction that holds its row locked: two runs at once, or a rerun,
    never send one twice. A failure is recorded on the row, which stays pending for the
    retry. Returns how many were sent."""
    pending = OutgoingEmail.objects.pending().order_by("created_at")
    pending = (
        pending.filter(pk__in=ids) if ids is not None else pending.filter(attempts__lt=MAX_ATTEMPTS)
    )
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.pending().select_for_update(skip_locked=True).filter(pk=pk)
            ).first()
            if email is None:
                continue  # sent meanwhile, or being sent by another run
            message = EmailMultiAlternatives(email.subject, email.body, None, [email.recipient])
            if email.html:
                message.attach_alternative(email.html, "text/html")
            email.attempts += 1
            try:
                message.send()
            except Exception as error:  # SMTP, network, backend: all mean "not sent yet"
                logger.warning("E-mail %s not sent (attempt %s): %s", pk, email.attempts, error)
                email.last_error = f"{type(error).__name__}: {error}"[:2000]
                email.save(update_fields=["attempts", "last_error"])
                continue
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "sent_at"])
        sent += 1
    return sent
