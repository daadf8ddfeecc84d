import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maps_app.areas import AreaFileError, area_import
from requests_app.tasks import tasks_after_block


class Command(BaseCommand):
    help = (
        "Import police service areas from a GeoJSON FeatureCollection of municipal boundaries "
        "(e.g. Statistics Canada census subdivisions), matching each feature's NAME_FIELD to a "
        "police service's name or headquarters city. Invalid shapes are repaired or rejected; "
        "unmatched features and services are listed; nothing is saved unless all of it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--match-property", required=True, metavar="NAME_FIELD")
        parser.add_argument(
            "--province-property",
            default="",
            help="Property with the province (postal code such as ON, or StatCan PRUID such as 35).",
        )

    @tasks_after_block()
    def handle(self, *args, file, match_property, province_property, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from None
        except RecursionError:
            raise CommandError(f"{file} is nested too deeply to be GeoJSON.") from None
        except ValueError as error:  # bad JSON, or a number too long to read
            raise CommandError(f"{file} is not valid JSON: {error}") from None

        def progress(done, total):
            if done == total or done % 250 == 0:
                self.stdout.write(f"  {done}/{total} features")

        try:
            report = area_import(
                data,
                match_property=match_property,
                province_property=province_property,
                source=Path(file).name,
                progress=progress,
            )
        except AreaFileError as error:
            raise CommandError(f"{file}: {error}") from None
        for name, reason in report.rejected:
            self.stdout.write(self.style.WARNING(f"rejected {name}: {reason}"))
        if report.unmatched_features:
            self.stdout.write(f"{len(report.unmatched_features)} features match no police service:")
            for name in report.unmatched_features:
                self.stdout.write(f"  {name}")
        if report.services_without_area:
            self.stdout.write(
                f"{len(report.services_without_area)} local police services have no area yet:"
            )
            for name in report.services_without_area:
                self.stdout.write(f"  {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.areas} service areas saved from {report.matched} of {report.features} "
                f"features ({report.repaired} repaired, {len(report.rejected)} rejected)."
            )
        )
