"""Coordination: comments, help wanted, watches, the e-mails they send, relayed messages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appeals import Appeal, Stage
from .claims import Claim
from .directory import PoliceService
from .requests import AccessRequest, Status


class Visibility(models.TextChoices):
    TEAM = "team", _("Team only")
    PUBLIC = "public", _("Public")


class CommentQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(hidden_at__isnull=True)

    def public(self):
        return self.shown().filter(visibility=Visibility.PUBLIC)


class Comment(models.Model):
    """A note on a request or its appeal by a volunteer on its target or an organizer;
    team-only or public. An appeal's comment names its request too: the target, and so the
    team, is always the request's."""

    class Format(models.TextChoices):
        PLAIN = "plain", _("Plain text")
        MARKDOWN = "markdown", _("Markdown (bold, italics, links, lists, quotes, code)")

    request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, related_name="comments", verbose_name=_("request")
    )
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("appeal"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    visibility = models.CharField(
        _("who can read it"), max_length=8, choices=Visibility, default=Visibility.TEAM
    )
    format = models.CharField(_("format"), max_length=8, choices=Format, default=Format.PLAIN)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)
    # Organizers hide a comment rather than delete it: nothing is lost.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            # The activity feed: newest comments first.
            models.Index(fields=["created_at"], name="comment_created"),
        ]

    def __str__(self):
        return f"{self.author} on {self.request} {self.created_at:%Y-%m-%d}"

    def body_html(self):
        """The body as safe HTML: escaped plain text, or the sanitised Markdown subset."""
        from ..markup import markdown_html, plain_html

        if self.format == self.Format.MARKDOWN:
            return markdown_html(self.body)
        return plain_html(self.body)


class HelpWanted(models.Model):
    """A team asking for a hand with a request or its appeal, listed publicly at
    /help-wanted/ until closed."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="help_wanted")
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="help_wanted"
    )
    needed = models.TextField(
        _("what help is needed"),
        help_text=_("Shown publicly on the help-wanted list: no personal details."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("help wanted")
        verbose_name_plural = _("help wanted")
        ordering = ["-created_at"]
        indexes = [
            # The open calls, newest first: a few among every call ever made.
            models.Index(fields=["closed_at", "created_at"], name="help_wanted_open_age"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(closed_at__isnull=True, appeal__isnull=True),
                name="one_open_help_wanted_per_request",
            ),
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(closed_at__isnull=True, appeal__isnull=False),
                name="one_open_help_wanted_per_appeal",
            ),
        ]

    def __str__(self):
        return f"help wanted: {self.appeal or self.request}"


class Watch(models.Model):
    """A person following a request, an appeal or a police service by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    police_service = models.ForeignKey(
        PoliceService, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, appeal__isnull=True, police_service__isnull=True)
                | Q(request__isnull=True, appeal__isnull=False, police_service__isnull=True)
                | Q(request__isnull=True, appeal__isnull=True, police_service__isnull=False),
                name="watch_one_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "request"],
                condition=Q(request__isnull=False),
                name="one_watch_per_request",
            ),
            models.UniqueConstraint(
                fields=["user", "appeal"],
                condition=Q(appeal__isnull=False),
                name="one_watch_per_appeal",
            ),
            models.UniqueConstraint(
                fields=["user", "police_service"],
                condition=Q(police_service__isnull=False),
                name="one_watch_per_service",
            ),
        ]

    def __str__(self):
        return f"{self.user} watches {self.subject}"

    @property
    def subject(self):
        return self.request or self.appeal or self.police_service


class Notification(models.Model):
    """One thing to tell one watcher: the outbox the batch e-mail reads.

    (recipient, key) is unique, so an event announced twice is told once; `batch` is set
    in the same transaction as the e-mail that carries it, so a batch task run twice or
    retried sends it once.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", _("new comment")
        STAGE = "stage", _("new step")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=80)  # the event told, e.g. "comment-12"
    kind = models.CharField(max_length=8, choices=Kind)
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="+")
    # Set when the event is the appeal's (a comment on it, a new stage).
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The request status or appeal stage reached.
    stage = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The watch that made it, for the e-mail's unsubscribe link.
    watch = models.ForeignKey(
        Watch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event"),
        ]
        indexes = [
            # The batch task: who has something unsent.
            models.Index(fields=["batch", "recipient"], name="notification_pending"),
        ]

    def __str__(self):
        return f"{self.key} for {self.recipient_id}"

    def stage_label(self) -> str:
        """The step reached, in the language being rendered."""
        choices = Stage if self.appeal_id else Status
        return choices(self.stage).label if self.stage in choices.values else self.stage


class TeamMessage(models.Model):
    """A message from one person on a target to another, relayed by e-mail so that
    neither sees the other's address."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    # Set in the same transaction as the e-mail, so a retried task sends it once.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team message")
        verbose_name_plural = _("team messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"message {self.pk}"
