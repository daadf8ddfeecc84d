"""E-mail waiting to be sent: written in the transaction of the change it tells about, sent
afterwards by a task (docs/reliability.md, "E-mail")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True)


class OutgoingEmail(models.Model):
    """One e-mail to one person. `key` names what it tells about (a claim's expiry, a
    volunteer's digest of a day, a batch of notifications), so that a run that is retried
    writes the same e-mail once, and it is sent once."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            # The delivery task's query: what is still to send, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outgoing_email_pending",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
