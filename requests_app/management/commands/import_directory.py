import sys

from django.core.management.base import BaseCommand, CommandError

from requests_app.directory_csv import DirectoryImportError, directory_import
from requests_app.tasks import tasks_after_block


class Command(BaseCommand):
    help = (
        "Import police services from a CSV file (the export_directory format), matched on "
        "slug. All or nothing: if any row is bad, nothing is written and every bad row is "
        "listed with its line number."
    )
    importer = staticmethod(directory_import)

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8; - reads standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )

    @tasks_after_block()
    def handle(self, *args, file, dry_run, **options):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file} is not UTF-8 text ({exc.reason} at byte {exc.start})."
            ) from exc

        try:
            report = self.importer(text, dry_run=dry_run, progress=self._progress)
        except DirectoryImportError as exc:
            for error in exc.report.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.report.summary()) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _progress(self, done: int, total: int) -> None:
        # Large files report every 500 rows; small ones stay quiet.
        if total >= 1000 and (done % 500 == 0 or done == total):
            self.stderr.write(f"checked {done}/{total} rows")
