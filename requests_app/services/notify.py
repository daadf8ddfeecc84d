from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def email_send(*, template: str, recipient, context: dict) -> None:
    """Send templates/emails/<template>_subject.txt and _body.txt through Django's mail API,
    in the recipient's language."""
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    send_mail(subject, body, None, [recipient.email])
