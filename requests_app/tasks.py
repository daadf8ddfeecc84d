from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from .services.claims import stale_claims_review


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


@shared_task(acks_late=True)
def release_extract_text(stored_file_id: int) -> str:
    """Extract a released file's text and page count; a failure is recorded, the file kept."""
    from .models import StoredFile
    from .services.releases import stored_file_extract

    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:
        return "missing"
    return stored_file_extract(stored).extraction


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
