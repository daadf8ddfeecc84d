from django.core.management.base import BaseCommand
from django.utils import timezone

from requests_app.services.claims import stale_claims_review


class Command(BaseCommand):
    help = (
        "Run the daily tasks now (stale-claim reminders and expiry). With Redis, celery beat "
        "runs them every morning; without it, schedule this command with cron."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        review = stale_claims_review(today=today)
        self.stdout.write(
            f"{today}: {len(review.reminded)} reminder(s) sent, {len(review.expired)} claim(s) released."
        )
