from django.core.management.base import BaseCommand
from django.utils import timezone

from requests_app.services.claims import stale_claims_review
from requests_app.services.reminders import appeals_summary_send, digests_send


class Command(BaseCommand):
    help = (
        "Run the daily tasks now (stale claims, reminder digests, and on Mondays the "
        "organizers' appeals summary). With Redis, celery beat runs them every morning; "
        "without it, schedule this command with cron."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        review = stale_claims_review(today=today)
        digests = digests_send(today=today)
        summaries = appeals_summary_send(today=today) if today.weekday() == 0 else 0
        self.stdout.write(
            f"{today}: {len(review.reminded)} claim reminder(s), {len(review.expired)} claim(s) "
            f"released, {len(digests)} digest(s) sent, {summaries} appeals summary(ies) sent."
        )
