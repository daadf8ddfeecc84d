"""The e-mail outbox: written with the change, sent after commit, once per key
(docs/reliability.md, "E-mail")."""

from datetime import datetime
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from requests_app.models import Claim, OutgoingEmail
from requests_app.services.claims import stale_claims_review
from requests_app.services.notify import email_send, outgoing_emails_deliver
from requests_app.tasks import outgoing_emails_retry
from tests.factories import ClaimFactory, UserFactory
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
REFUSING = f"{__name__}.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise SMTPException("connection refused")


@pytest.fixture
def claim_for_alice(alice):
    return ClaimFactory(volunteer=alice)


def test_one_key_is_one_email_however_often_it_is_queued(alice, claim_for_alice):
    for _attempt in range(2):
        email_send(
            template="claim_expired",
            recipient=alice,
            context={"claim": claim_for_alice},
            key=claim_for_alice.pk,
        )
    assert OutgoingEmail.objects.count() == 1
    assert [m.to for m in sent_mail()] == [["alice@example.org"]]
    assert outgoing_emails_deliver() == 0


def test_the_email_is_sent_after_the_commit(
    alice, claim_for_alice, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # delivered here (a worker could not see the row)
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            template="claim_expired",
            recipient=alice,
            context={"claim": claim_for_alice},
            key=claim_for_alice.pk,
        )
        assert mail.outbox == []  # written, not sent, while the transaction is open
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert OutgoingEmail.objects.get().sent_at is not None


def test_the_stale_claims_review_ends_claims_with_the_mail_server_down(settings):
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim = ClaimFactory(volunteer=UserFactory(email="carol@example.org"))
    settings.EMAIL_BACKEND = REFUSING
    assert stale_claims_review(today=datetime(2026, 11, 20).date()).expired == [claim.pk]
    assert Claim.objects.get(pk=claim.pk).ending == "expired"  # not rolled back by SMTP
    assert outgoing_emails_retry() == 0
    (waiting,) = OutgoingEmail.objects.pending()
    assert waiting.attempts == 1 and "connection refused" in waiting.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stale_claims_review(today=datetime(2026, 11, 20).date())  # a rerun writes nothing new
    assert outgoing_emails_retry() == 1
    assert outgoing_emails_retry() == 0
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]


def test_a_sign_up_succeeds_with_the_mail_server_down(client, settings):
    settings.EMAIL_BACKEND = REFUSING
    password = "a long and unusual passphrase 42"
    response = client.post(
        "/accounts/signup/",
        {"email": "dan@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    (confirmation,) = OutgoingEmail.objects.all()
    assert confirmation.recipient == "dan@example.org"
    assert "/accounts/confirm-email/" in confirmation.body
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert [m.to for m in sent_mail()] == [["dan@example.org"]]


def test_organizers_read_the_outbox_in_the_admin_and_change_nothing(client, olivia, settings):
    settings.EMAIL_BACKEND = REFUSING
    claim = ClaimFactory(volunteer=olivia)
    email_send(template="claim_expired", recipient=olivia, context={"claim": claim}, key=claim.pk)
    outgoing_emails_deliver()
    client.force_login(olivia)
    page = client.get("/admin/requests_app/outgoingemail/?sent_at__isempty=1")
    assert page.status_code == 200 and "olivia@example.org" in page.content.decode()
    waiting = OutgoingEmail.objects.get()
    change = client.get(f"/admin/requests_app/outgoingemail/{waiting.pk}/change/")
    assert "connection refused" in change.content.decode()
    assert client.post(f"/admin/requests_app/outgoingemail/{waiting.pk}/delete/").status_code == 403
