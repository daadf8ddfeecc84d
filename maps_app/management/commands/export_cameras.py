import sys

from django.core.management.base import BaseCommand

from maps_app import exports


class Command(BaseCommand):
    help = (
        "Write the approved cameras as GeoJSON, CSV, or an OSM XML file of new nodes for JOSM "
        "(the osm format leaves out cameras that came from OpenStreetMap). The site serves "
        "the same files, built when the cameras change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(exports.FORMATS), default="geojson")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, format, output, **options):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                exports.export_write(format, handle)
            self.stderr.write(f"Wrote {output}")
        else:
            exports.export_write(format, sys.stdout)
