from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from maps_app.services import provinces_load
from requests_app.directory_csv import DirectoryImportError, reference_data_load
from requests_app.tasks import tasks_after_block


class Command(BaseCommand):
    help = (
        "Load the reference data shipped in data/: what is missing is added, what exists is "
        "left alone (so organizers' edits survive), and a second run changes nothing. "
        "--update applies the shipped regimes, rule sets, services and municipalities over the "
        "stored rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="also overwrite stored regimes, rule sets, services and municipalities with the "
            "shipped data (organizers' edits to those rows are replaced)",
        )

    @tasks_after_block()  # outside the transaction: what its commit queues runs at the end
    @transaction.atomic
    def handle(self, *args, update=False, **options):
        domain = settings.SITE_URL.split("://", 1)[-1]
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": domain, "name": "ALPR records"}
        )
        try:
            reports = reference_data_load(only_missing=not update)
        except DirectoryImportError as exc:
            raise CommandError(f"The shipped reference data is invalid:\n{exc}") from exc
        for name, report in reports.items():
            self.stdout.write(
                f"{name}: {report.created} added, {report.updated} updated, "
                f"{report.unchanged} already there"
            )
        provinces = provinces_load()
        self.stdout.write(
            f"province boundaries: {provinces.created} added, {provinces.updated} updated, "
            f"{provinces.unchanged} already there"
        )
        self.stdout.write(self.style.SUCCESS("Reference data is loaded."))
