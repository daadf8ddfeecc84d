import logging
import threading
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .services.claims import stale_claims_review

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(SMTPException,), retry_backoff=60, max_retries=5)
def claims_review_stale(day: str | None = None) -> dict:
    """Daily: remind volunteers of unfiled claims and release the stale ones."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    review = stale_claims_review(today=today)
    return {"reminded": review.reminded, "expired": review.expired}


@shared_task(autoretry_for=(SMTPException,), retry_backoff=60, max_retries=5)
def reminders_send_digests(day: str | None = None) -> list[int]:
    """Daily: one e-mail per volunteer with what is due soon, overdue or closing."""
    from .services.reminders import digests_send

    today = date.fromisoformat(day) if day else timezone.localdate()
    return digests_send(today=today)


@shared_task(autoretry_for=(SMTPException,), retry_backoff=60, max_retries=5)
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
    """Extract a released file's text and page count; a failure is recorded, the file kept."""
    from .models import StoredFile
    from .services.releases import stored_file_extract

    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:
        return "missing"
    return stored_file_extract(stored).extraction


# Without a worker (no REDIS_URL) tasks run in-process. Work queued during a web request
# then runs once the response has been sent, so an upload never waits for its extraction
# (the release page says "Processing" until it is done), nor a change for the map's
# pre-building (maps_app.tasks).
_after_response = threading.local()


def after_response_collect(**kwargs) -> None:
    _after_response.calls = []


def after_response_run(**kwargs) -> None:
    calls, _after_response.calls = getattr(_after_response, "calls", None) or [], None
    for call in calls:
        try:
            call()
        except Exception:  # the response is sent: log it, and run the others
            logger.exception("a task run after the response failed")


def queue_after_response(task, *args) -> None:
    """Queue a task for a worker; without one, run it once the response is sent (or now,
    outside a request)."""
    calls = getattr(_after_response, "calls", None)
    if settings.CELERY_TASK_ALWAYS_EAGER and calls is not None:
        calls.append(lambda: task.apply(args=args))
    else:
        task.delay(*args)


def release_extraction_queue(stored_file_id: int) -> None:
    """Queue a new file's text extraction (call on commit)."""
    queue_after_response(release_extract_text, stored_file_id)


@shared_task(autoretry_for=(SMTPException,), retry_backoff=60, max_retries=5, acks_late=True)
def notifications_send_batch() -> list[int]:
    """One e-mail per person with what their watches saw since the last batch; queued a few
    minutes after each event, and run by beat in case a queued one was lost."""
    from .services.coordination import notifications_send

    return notifications_send()


@shared_task(autoretry_for=(SMTPException,), retry_backoff=60, max_retries=5, acks_late=True)
def team_message_deliver(message_id: int) -> bool:
    """Relay one message between the people on a target; a second run sends nothing."""
    from .services.coordination import team_message_deliver_now

    return team_message_deliver_now(message_id)
