import logging
import threading
from contextlib import contextmanager
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .services.claims import stale_claims_review

logger = logging.getLogger(__name__)


@shared_task
def claims_review_stale(day: str | None = None) -> dict:
    """Daily: remind volunteers of unfiled claims and release the stale ones."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    review = stale_claims_review(today=today)
    return {"reminded": review.reminded, "expired": review.expired}


@shared_task
def reminders_send_digests(day: str | None = None) -> list[int]:
    """Daily: one e-mail per volunteer with what is due soon, overdue or closing."""
    from .services.reminders import digests_send

    today = date.fromisoformat(day) if day else timezone.localdate()
    return digests_send(today=today)


@shared_task
def appeals_send_summary(day: str | None = None) -> int:
    """Weekly: organizers get the open appeals by stage."""
    from .services.reminders import appeals_summary_send

    today = date.fromisoformat(day) if day else timezone.localdate()
    return appeals_summary_send(today=today)


@shared_task(
    acks_late=True,
    # Above the extraction's own deadline (EXTRACTION_SECONDS, checked between pages): the
    # soft limit stops a single step that runs too long and the file is marked failed; the
    # hard limit ends the worker process if even that does not return.
    soft_time_limit=settings.EXTRACTION_SECONDS + 15,
    time_limit=settings.EXTRACTION_SECONDS + 45,
)
def release_extract_text(stored_file_id: int) -> str:
    """Extract a released file's text and page count; a failure is recorded, the file kept.
    A file already extracted is left as it is (the task may come twice: a lost one is queued
    again by `release_extractions_requeue`)."""
    from .models import StoredFile
    from .services.releases import stored_file_extract

    pending = StoredFile.objects.filter(pk=stored_file_id, extraction=StoredFile.Extraction.PENDING)
    if not pending.update(extraction_attempts=F("extraction_attempts") + 1):
        return "not pending"
    return stored_file_extract(pending.get()).extraction


@shared_task
def stored_files_orphans_remove() -> list[str]:
    """Delete the files of uploads that never committed (an hour's grace for uploads still
    in progress)."""
    from .filetypes import orphans_remove

    return orphans_remove(older_than=timezone.now() - timedelta(hours=1))


@shared_task
def release_extractions_requeue() -> list[int]:
    """Queue again the extractions still pending a while after their upload: their task was
    never queued (the broker was down) or its worker died. A file whose extraction ended its
    worker EXTRACTION_MAX_ATTEMPTS times is left pending, not tried in a loop."""
    from .models import StoredFile

    stale = timezone.now() - timedelta(minutes=settings.TASK_REQUEUE_MINUTES)
    ids = list(
        StoredFile.objects.filter(
            extraction=StoredFile.Extraction.PENDING,
            created_at__lt=stale,
            extraction_attempts__lt=settings.EXTRACTION_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    for stored_file_id in ids:
        task_queue(release_extract_text, stored_file_id)
    return ids


# Without a worker (no REDIS_URL) tasks run in-process. Those queued during a web request
# then run once the response has been sent, so a request never waits for them (an upload's
# extraction, an e-mail's delivery, the map's pre-building in maps_app.tasks); a page says
# "Processing" until they are done.
_after_response = threading.local()


def after_response_collect(**kwargs) -> None:
    # Each task once with the same arguments (tasks are safe to run twice, so once is enough):
    # a request or command changing many rows sets off one map pre-building.
    _after_response.calls = {}


def after_response_run(**kwargs) -> None:
    calls, _after_response.calls = getattr(_after_response, "calls", None) or {}, None
    for call in calls.values():
        try:
            call()
        except Exception:  # the response is sent: log it, and run the others
            logger.exception("a task run after the response failed")


@contextmanager
def tasks_after_block():
    """Without a worker, what the block queues runs when it ends, as after a response (a
    command saving rows one at a time would otherwise rebuild the map's data after each).
    Also a decorator: `@tasks_after_block()` on a command's `handle`."""
    if getattr(_after_response, "calls", None) is not None:  # within a request or block
        yield
        return
    after_response_collect()
    try:
        yield
    finally:
        after_response_run()


def task_queue(task, *args, countdown: int | None = None) -> None:
    """Queue a task (call on commit). The work it does is already recorded as pending (a
    file to extract, an e-mail in the outbox, notifications), so a broker that cannot be
    reached only delays it: the failure is logged, the request goes on, and a beat task
    queues the work again (`release_extractions_requeue`, `outgoing_emails_retry`,
    `notifications_send_batch`)."""
    calls = getattr(_after_response, "calls", None)
    if settings.CELERY_TASK_ALWAYS_EAGER and calls is not None:
        calls[(task.name, args)] = lambda: task.apply(args=args)
        return
    try:
        task.apply_async(args=args, countdown=countdown)
    except OperationalError as error:  # kombu's "the broker cannot be reached"
        logger.warning("Could not queue %s%s, left for the retry: %s", task.name, args, error)


def release_extraction_queue(stored_file_id: int) -> None:
    """Queue a new file's text extraction (call on commit)."""
    task_queue(release_extract_text, stored_file_id)


def outgoing_email_queue(email_id: int) -> None:
    """Queue the delivery of an e-mail just written to the outbox (call on commit)."""
    task_queue(outgoing_email_deliver, email_id)


@shared_task(acks_late=True)
def outgoing_email_deliver(email_id: int) -> int:
    """Send one e-mail of the outbox, unless it was sent already."""
    from .services.notify import outgoing_emails_deliver

    return outgoing_emails_deliver(ids=[email_id])


@shared_task(acks_late=True)
def outgoing_emails_retry() -> int:
    """Send what the outbox still holds: e-mails whose delivery failed or was never queued."""
    from .services.notify import outgoing_emails_deliver

    return outgoing_emails_deliver()


@shared_task
def notifications_send_batch() -> list[int]:
    """One e-mail per person with what their watches saw since the last batch; queued a few
    minutes after each event, and run by beat in case a queued one was lost."""
    from .services.coordination import notifications_send

    return notifications_send()


@shared_task
def team_message_deliver(message_id: int) -> bool:
    """Relay one message between the people on a target; a second run sends nothing."""
    from .services.coordination import team_message_deliver_now

    return team_message_deliver_now(message_id)
