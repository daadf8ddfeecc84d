import json
import sys

from django.core.management.base import BaseCommand

from maps_app import osm
from maps_app.models import CameraLocation


class Command(BaseCommand):
    help = (
        "Write the approved cameras as GeoJSON, CSV, or an OSM XML file of new nodes for JOSM "
        "(the osm format leaves out cameras that came from OpenStreetMap)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["geojson", "csv", "osm"], default="geojson")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, format, output, **options):
        cameras = (
            CameraLocation.objects.public()
            .select_related("police_service", "release")
            .order_by("pk")
        )
        if format == "geojson":
            data = json.dumps(
                osm.cameras_to_geojson(cameras), ensure_ascii=False, indent=1
            ).encode()
        elif format == "csv":
            data = osm.cameras_to_csv(cameras).encode()
        else:
            data = osm.cameras_to_osm_xml(cameras.exclude(source=CameraLocation.Source.OSM))
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.buffer.write(data)
