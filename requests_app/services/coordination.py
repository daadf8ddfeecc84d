"""Working together on a target: comments, help wanted, watching, relayed messages.

Watchers hear about new comments and steps through `notify_watchers`, which writes one
`Notification` per person in the caller's transaction; `notifications_send` (a Celery
task queued on commit, and every few minutes by beat) gathers each person's unsent ones
into one e-mail.
"""

import uuid
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    AccessRequest,
    Appeal,
    Claim,
    Comment,
    HelpWanted,
    Notification,
    PoliceService,
    TeamMessage,
    Visibility,
    Watch,
)
from ..roles import is_organizer
from ..selectors import may_write_to_team, message_recipients
from .notify import email_send

COMMENT_MAX_CHARS = 5000
NEEDED_MAX_CHARS = 1000
_UNSUBSCRIBE_SALT = "requests_app.watch.stop"


class CoordinationError(Exception):
    """An action that cannot be done; the message is shown to the person as is."""


def _text(value: str, *, max_chars: int, empty: str) -> str:
    value = value.strip()
    if not value:
        raise CoordinationError(empty)
    if len(value) > max_chars:
        raise CoordinationError(
            _("Keep it under %(count)s characters.") % {"count": f"{max_chars:,}"}
        )
    return value


def request_and_appeal(subject: AccessRequest | Appeal) -> tuple[AccessRequest, Appeal | None]:
    """A request, or an appeal and its request: the request's target (and so its team) is
    the appeal's."""
    if isinstance(subject, Appeal):
        return subject.request, subject
    return subject, None


# --- Comments ----------------------------------------------------------------------------------


def comment_create(
    *,
    subject: AccessRequest | Appeal,
    author,
    body: str,
    visibility: str = Visibility.TEAM,
    format: str = Comment.Format.PLAIN,
) -> Comment:
    """A comment on a request or an appeal by someone on its target or an organizer; the
    author then watches it, and its watchers are told."""
    request, appeal = request_and_appeal(subject)
    if not request.is_open_to(author):
        raise PermissionDenied
    body = _text(body, max_chars=COMMENT_MAX_CHARS, empty=_("Write a comment first."))
    with transaction.atomic():
        comment = Comment.objects.create(
            request=request,
            appeal=appeal,
            author=author,
            body=body,
            visibility=visibility,
            format=format,
        )
        Watch.objects.get_or_create(user=author, **_subject_field(subject))
        notify_watchers(
            subject=subject,
            kind=Notification.Kind.COMMENT,
            key=f"comment-{comment.pk}",
            actor=author,
            team_only=visibility == Visibility.TEAM,
            comment=comment,
        )
    return comment


def comment_hide(*, comment: Comment, by) -> None:
    """Organizers hide a comment (from every page); the row stays for the record."""
    if not is_organizer(by):
        raise PermissionDenied
    Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=by
    )


# --- Help wanted -------------------------------------------------------------------------------


def help_wanted_open(*, subject: AccessRequest | Appeal, by, needed: str) -> HelpWanted:
    """The team lists its request or appeal at /help-wanted/ with what it needs."""
    request, appeal = request_and_appeal(subject)
    if not request.is_open_to(by):
        raise PermissionDenied
    needed = _text(needed, max_chars=NEEDED_MAX_CHARS, empty=_("Say what help is needed."))
    try:
        with transaction.atomic():
            return HelpWanted.objects.create(
                request=request, appeal=appeal, needed=needed, created_by=by
            )
    except IntegrityError:  # one open call per request and per appeal
        raise CoordinationError(
            _("It is already on the help-wanted list; close that call first.")
        ) from None


def help_wanted_close(*, help_wanted: HelpWanted, by) -> None:
    if not help_wanted.request.is_open_to(by):
        raise PermissionDenied
    closed = HelpWanted.objects.filter(pk=help_wanted.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=by
    )
    if not closed:
        raise CoordinationError(_("This call for help was already closed."))


# --- Watching ----------------------------------------------------------------------------------


def _subject_field(subject) -> dict:
    if isinstance(subject, AccessRequest):
        return {"request": subject}
    if isinstance(subject, Appeal):
        return {"appeal": subject}
    if isinstance(subject, PoliceService):
        return {"police_service": subject}
    raise TypeError(f"Cannot watch {subject!r}")


def watch_start(*, user, subject) -> Watch:
    """Follow a request, an appeal or a police service by e-mail (anyone signed in; people
    who are not on the team hear only about public comments)."""
    if not user.is_authenticated:
        raise PermissionDenied
    watch, _created = Watch.objects.get_or_create(user=user, **_subject_field(subject))
    return watch


def watch_stop(*, user, subject) -> None:
    Watch.objects.filter(user=user, **_subject_field(subject)).delete()


def unsubscribe_token(watch: Watch) -> str:
    """A signed token naming the watch; it stops it without logging in."""
    return signing.dumps({"w": watch.pk, "u": watch.user_id}, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(watch: Watch) -> str:
    path = reverse("requests_app:watch_stop", kwargs={"token": unsubscribe_token(watch)})
    return f"{settings.SITE_URL}{path}"


def watch_for_token(token: str) -> tuple[bool, Watch | None]:
    """(whether the token is genuine, the watch it names if it still exists)."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False, None
    watch = (
        Watch.objects.filter(pk=data.get("w"), user_id=data.get("u"))
        .select_related(
            "request__police_service", "appeal__request__police_service", "police_service"
        )
        .first()
    )
    return True, watch


def watch_stop_by_token(token: str) -> bool:
    """Stop the watch a token names; True when the token is genuine (stopping twice is
    fine). A token never touches another person's watch."""
    genuine, watch = watch_for_token(token)
    if watch is not None:
        watch.delete()
    return genuine


# --- Telling watchers --------------------------------------------------------------------------


def notify_watchers(
    *,
    subject: AccessRequest | Appeal,
    kind: str,
    key: str,
    actor=None,
    stage: str = "",
    team_only: bool = False,
    comment: Comment | None = None,
) -> int:
    """Tell everyone watching the subject (a request or an appeal), its request or its
    police service about one event.

    Call it inside the transaction that records the event. `kind` is a
    `Notification.Kind` (COMMENT or STAGE); `stage` is the request status or appeal stage
    reached. `key` names the event (e.g. "comment-12", "appeal-event-40"): a second call
    with the same key tells no one twice. `team_only` events reach only watchers who may
    see the request in full (its team and organizers). The actor is not told of their own
    action. Returns how many watchers it found; their e-mail is queued once the
    transaction commits.
    """
    request, appeal = request_and_appeal(subject)
    watching = Q(request=request) | Q(police_service_id=request.police_service_id)
    if appeal is not None:
        watching |= Q(appeal=appeal)
    watches = (
        Watch.objects.filter(watching, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    if actor is not None:
        watches = watches.exclude(user=actor)
    notifications = []
    for _user_id, group in groupby(watches, key=lambda w: w.user_id):
        # The most specific watch (the appeal's, then the request's) is the one the
        # e-mail offers to stop.
        watch = min(group, key=lambda w: (w.appeal_id is None, w.request_id is None))
        if team_only and not request.is_open_to(watch.user):
            continue
        notifications.append(
            Notification(
                recipient=watch.user,
                key=key,
                kind=kind,
                request=request,
                appeal=appeal,
                comment=comment,
                stage=stage,
                actor=actor,
                watch=watch,
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    if notifications:
        from ..tasks import notifications_send_batch, task_queue

        transaction.on_commit(
            lambda: task_queue(notifications_send_batch, countdown=settings.NOTIFY_BATCH_SECONDS),
            robust=True,
        )
    return len(notifications)


def notifications_send() -> list[int]:
    """E-mail each person everything they have not been told yet, in one message.

    Each person's notifications are marked with a new batch id in the same transaction as
    the e-mail, and only if still unmarked: a run that overlaps another, or a retry, finds
    nothing left to send. Returns the ids of the people e-mailed.
    """
    sent = []
    pending = (
        Notification.objects.filter(batch__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(pending):
        batch = uuid.uuid4()
        with transaction.atomic():
            marked = Notification.objects.filter(
                recipient_id=recipient_id, batch__isnull=True
            ).update(batch=batch, sent_at=timezone.now())
            if not marked:
                continue
            items = list(
                Notification.objects.filter(batch=batch).select_related(
                    "recipient",
                    "request__police_service",
                    "appeal",
                    "comment",
                    "actor",
                    "watch__request__police_service",
                    "watch__appeal__request__police_service",
                    "watch__police_service",
                )
            )
            # A comment an organizer hid meanwhile is not sent; the batch still covers it.
            items = [i for i in items if i.comment is None or i.comment.hidden_at is None]
            if not items:
                continue
            recipient = items[0].recipient
            watches = {item.watch.pk: item.watch for item in items if item.watch is not None}
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                stops = [  # addresses in the recipient's language
                    {
                        "request": watch.request,
                        "appeal": watch.appeal,
                        "service": watch.police_service,
                        "url": unsubscribe_url(watch),
                    }
                    for _pk, watch in sorted(watches.items())
                ]
            email_send(
                template="watch_batch",
                recipient=recipient,
                context={"items": items, "stops": stops},
                key=batch,
            )
        sent.append(recipient_id)
    return sent


# --- Messages between the people on a target ---------------------------------------------------


def team_message_send(*, claim: Claim, sender, recipient, body: str) -> TeamMessage:
    """Relay a message by e-mail without showing either address; the sender appears by
    their public name."""
    if not may_write_to_team(claim, sender):
        raise PermissionDenied
    if recipient.pk not in {person.pk for person in message_recipients(claim, sender)}:
        raise CoordinationError(_("You can write only to the people working on this target."))
    body = _text(body, max_chars=COMMENT_MAX_CHARS, empty=_("Write a message first."))
    message = TeamMessage.objects.create(claim=claim, sender=sender, recipient=recipient, body=body)
    from ..tasks import task_queue, team_message_deliver

    transaction.on_commit(lambda: task_queue(team_message_deliver, message.pk), robust=True)
    return message


def team_message_deliver_now(message_id: int) -> bool:
    """Send a relayed message once: marked sent in the same transaction that writes its
    e-mail to the outbox."""
    with transaction.atomic():
        if not TeamMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            return False
        message = TeamMessage.objects.select_related(
            "sender", "recipient", "claim__police_service", "claim__campaign"
        ).get(pk=message_id)
        email_send(
            template="team_message",
            recipient=message.recipient,
            context={"message": message},
            key=message.pk,
        )
    return True
