from django.core.management.base import BaseCommand, CommandError

from maps_app.models import CameraLocation
from maps_app.osm import OsmFileError, load_file, osm_import
from requests_app.tasks import tasks_after_block


class Command(BaseCommand):
    help = (
        "Import ALPR cameras from an Overpass JSON export (man_made=surveillance + "
        "surveillance:type=ALPR nodes and ways). Upserts by OpenStreetMap id, all or nothing; "
        "malformed elements are skipped and listed. Data © OpenStreetMap contributors (ODbL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Overpass JSON, e.g. from `[out:json]; ...; out center;`")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Put new cameras in the review queue instead of approving them.",
        )

    @tasks_after_block()
    def handle(self, *args, file, pending, **options):
        try:
            data = load_file(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except OsmFileError as error:
            raise CommandError(f"{file}: {error}") from None

        def progress(done):
            self.stdout.write(f"  {done} cameras read")

        status = CameraLocation.Status.PENDING if pending else CameraLocation.Status.APPROVED
        try:
            report = osm_import(data, status=status, progress=progress)
        except OsmFileError as error:
            raise CommandError(f"{file}: {error}") from None
        for ref, reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"skipped {ref}: {reason}"))
        for ref, warning in report.warnings:
            self.stdout.write(f"note {ref}: {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} added, {report.updated} updated, {report.unchanged} unchanged, "
                f"{len(report.skipped)} skipped."
            )
        )
