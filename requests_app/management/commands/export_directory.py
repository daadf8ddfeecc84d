import sys

from django.core.management.base import BaseCommand

from requests_app.directory_csv import directory_export


class Command(BaseCommand):
    help = "Write every police service as CSV in the format import_directory reads."
    exporter = staticmethod(directory_export)
    noun = "police services"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="output file; - for stdout")

    def handle(self, *args, file, **options):
        if file == "-":
            count = self.exporter(sys.stdout)
        else:
            with open(file, "w", encoding="utf-8", newline="") as handle:
                count = self.exporter(handle)
        self.stderr.write(f"{count} {self.noun} written.")
