"""OpenStreetMap: importing an Overpass export with odd tagging, and the exports."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app.geo import parse_directions
from maps_app.models import CameraLocation, CameraRevision
from maps_app.osm import OsmFileError, osm_import

from .conftest import make_camera, make_release

ODD = Path(__file__).parent / "data" / "overpass_odd.json"


def run_import(*args):
    out = io.StringIO()
    call_command("import_osm_cameras", str(ODD), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "text, directions, bad",
    [
        ("90", [90], []),
        ("90;270", [90, 270], []),
        (" NE ; sw", [45, 225], []),
        ("350-10", [0], []),
        ("180-200", [190], []),
        ("-45", [315], []),
        ("360", [0], []),
        ("12.6", [13], []),
        ("banana;90", [90], ["banana"]),
        ("", [], []),
        ("90;90", [90], []),
    ],
)
def test_it_reads_directions_as_mappers_write_them(text, directions, bad):
    assert parse_directions(text) == (directions, bad)


def test_it_imports_alpr_nodes_and_ways_and_reports_the_rest(toronto, ottawa):
    output = run_import()
    cameras = {(c.osm_type, c.osm_id): c for c in CameraLocation.objects.all()}
    assert set(cameras) == {
        ("node", 1001),
        ("node", 1002),
        ("node", 1003),
        ("way", 2001),
        ("way", 2002),
    }

    flock = cameras["node", 1001]
    assert (flock.vendor, flock.mount, flock.directions) == ("flock", "pole", [90, 270])
    assert flock.police_service == toronto  # from the operator tag
    assert flock.osm_tags["surveillance:zone"] == "traffic"
    assert flock.status == "approved" and flock.source == "osm"

    vigilant = cameras["node", 1002]
    assert (vigilant.vendor, vigilant.mount, vigilant.directions) == (
        "motorola",
        "street_lamp",
        [45, 190],
    )
    assert vigilant.latitude == Decimal("43.660000")

    acme = cameras["node", 1003]
    assert (acme.vendor, acme.mount) == ("other", "other")
    assert acme.police_service == ottawa  # operator unknown: the nearest service
    assert "operator=Somewhere Unknown Police" in acme.notes

    assert cameras["way", 2001].mount == "bridge"
    closed_way = cameras["way", 2002]  # centre of its member nodes, closing node counted once
    assert float(closed_way.latitude) == pytest.approx((43.71 + 43.72 + 43.72) / 3, abs=1e-6)

    for expected in (
        "skipped node 1004: outside Canada",
        "skipped node 1005: no usable coordinates",
        "skipped node 1006: not tagged",
        "skipped node abc: no valid id",
        "skipped relation 4001",
        "skipped way 2003: no usable coordinates",
        "skipped node 1001: appears twice",
        "skipped element 16: not a JSON object",
        "skipped node 1007: tags are not a JSON object",
        "direction value(s) not understood: banana",
        "5 added, 0 updated, 0 unchanged, 9 skipped.",
    ):
        assert expected in output
    assert "skipped node 3001" not in output  # untagged way members are not cameras


def test_importing_again_upserts_and_keeps_moderation(toronto, olivia):
    run_import()
    camera = CameraLocation.objects.get(osm_id=1003)
    from maps_app.services import camera_decide

    camera_decide(camera=camera, by=olivia, decision="rejected", reason="Not ALPR")
    output = run_import()
    assert "0 added, 0 updated, 5 unchanged" in output
    assert CameraLocation.objects.count() == 5
    camera.refresh_from_db()
    assert camera.status == "rejected"

    data = json.loads(ODD.read_text())
    data["elements"][0]["lat"] = 43.6511
    report = osm_import(data)
    assert (report.created, report.updated) == (0, 1)
    assert CameraLocation.objects.get(osm_id=1001).latitude == Decimal("43.651100")
    assert CameraLocation.objects.get(osm_id=1001).revisions.count() == 2


def test_new_imports_can_wait_for_review(db):
    run_import("--pending")
    assert set(CameraLocation.objects.values_list("status", flat=True)) == {"pending"}


def test_a_file_that_is_not_overpass_json_is_refused(tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_osm_cameras", str(bad))
    bad.write_text('{"features": []}')
    with pytest.raises(CommandError, match="elements"):
        call_command("import_osm_cameras", str(bad))
    with pytest.raises(OsmFileError):
        osm_import([])


def alpr_nodes(count: int, first_id: int = 5000) -> list[dict]:
    """Cameras around Toronto with no operator, so each is attributed by where it is."""
    tags = {"man_made": "surveillance", "surveillance:type": "ALPR", "direction": "90"}
    return [
        {"type": "node", "id": first_id + n, "lat": 43.65 + n / 1000, "lon": -79.38, "tags": tags}
        for n in range(count)
    ]


def test_a_large_import_reads_and_writes_in_batches(
    toronto, monkeypatch, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from maps_app import osm
    from maps_app.cache import data_version

    monkeypatch.setattr(osm, "IMPORT_BATCH", 50)
    osm_import({"elements": alpr_nodes(1, first_id=1)})  # the shapes parsed, the cache ready
    with CaptureQueriesContext(connection) as few:
        osm_import({"elements": alpr_nodes(5)})
    # Ten times the cameras in one batch: no query per camera (SQLite splits a bulk insert
    # by its limit of parameters: a query or two more).
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        osm_import({"elements": alpr_nodes(50, first_id=9000)})
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):  # announced on commit
        report = osm_import({"elements": alpr_nodes(120, first_id=20000)})  # three batches
    assert (report.total, report.created) == (120, 120)
    assert data_version() != before  # the map's cached data is stale
    cameras = CameraLocation.objects.filter(osm_id__gte=20000)
    assert cameras.count() == 120
    assert set(cameras.values_list("police_service", flat=True)) == {toronto.pk}
    # Each camera keeps the history a single import writes: one revision, with its fields.
    assert CameraRevision.objects.filter(camera__in=cameras, action="imported").count() == 120
    revision = CameraRevision.objects.get(camera__osm_id=20007)
    assert revision.data["directions"] == [90] and revision.data["osm_id"] == 20007
    # A second run changes nothing and writes no revision.
    again = osm_import({"elements": alpr_nodes(120, first_id=20000)})
    assert (again.created, again.updated, again.unchanged) == (0, 0, 120)
    assert CameraRevision.objects.filter(camera__in=cameras).count() == 120


def test_a_file_is_read_an_element_at_a_time_and_refused_whole_when_broken(tmp_path, toronto):
    elements = alpr_nodes(3)
    # A way before the nodes it is made of, as Overpass writes `out; >; out skel;`.
    way = {"type": "way", "id": 77, "nodes": [1, 2], "tags": elements[0]["tags"]}
    nodes = [{"type": "node", "id": 1, "lat": 43.7, "lon": -79.4}]
    nodes.append({"type": "node", "id": 2, "lat": 43.8, "lon": -79.4})
    text = json.dumps({"version": 0.6, "elements": [way, *elements, *nodes], "remark": None})
    good = tmp_path / "good.json"
    good.write_text(text)
    out = io.StringIO()
    call_command("import_osm_cameras", str(good), stdout=out)
    assert "4 added, 0 updated, 0 unchanged, 0 skipped." in out.getvalue()
    assert float(CameraLocation.objects.get(osm_type="way").latitude) == pytest.approx(43.75)

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"elements": alpr_nodes(3, first_id=8000)})[:-3] + "}")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_osm_cameras", str(broken), stdout=io.StringIO())
    assert not CameraLocation.objects.filter(osm_id__gte=8000).exists()


# --- Exports -----------------------------------------------------------------------------------


@pytest.fixture
def exported(campaign, toronto, alice):
    release = make_release(campaign=campaign, service=toronto, volunteer=alice)
    return {
        "record": make_camera(
            police_service=toronto,
            source="release",
            release=release,
            page=2,
            directions=[0, 180],
            mount="traffic_signals",
            vendor="genetec",
            submitted_by=alice,
        ),
        "field": make_camera(latitude=Decimal("43.70"), vendor="", source="field"),
        "osm": make_camera(latitude=Decimal("43.71"), source="osm", osm_type="node", osm_id=77),
        "trailer": make_camera(latitude=Decimal("43.72"), kind="trailer"),
        "pending": make_camera(latitude=Decimal("43.73"), status="pending"),
    }


def test_the_osm_file_opens_as_new_nodes_in_the_alpr_tagging(client, exported):
    response = client.get("/map/cameras.osm")
    assert response.status_code == 200
    root = ET.fromstring(response.getvalue())
    assert root.tag == "osm" and root.get("version") == "0.6"
    nodes = root.findall("node")
    assert len(nodes) == 2  # the record and field finds; not OSM's own, the trailer or pending
    assert all(int(n.get("id")) < 0 for n in nodes)
    assert len({n.get("id") for n in nodes}) == 2
    tags = {n.get("lat"): {t.get("k"): t.get("v") for t in n.findall("tag")} for n in nodes}
    record = tags["43.6532000"]
    assert record == {
        "man_made": "surveillance",
        "surveillance:type": "ALPR",
        "surveillance": "public",
        "surveillance:zone": "traffic",
        "camera:type": "fixed",
        "camera:mount": "traffic_signals",
        "manufacturer": "Genetec",
        "operator": "Toronto Police Service",
        "direction": "0;180",
    }
    assert "manufacturer" not in tags["43.7000000"]


def test_the_geojson_and_csv_exports_hold_only_approved_cameras(client, exported):
    data = json.loads(client.get("/map/cameras.geojson").getvalue())
    assert "ODbL" in data["license"]
    ids = {f["id"] for f in data["features"]}
    assert exported["pending"].pk not in ids and len(ids) == 4
    record = next(f for f in data["features"] if f["id"] == exported["record"].pk)
    assert record["properties"]["release_url"].startswith("/releases/")
    assert "alice" not in json.dumps(data)
    rows = list(csv.DictReader(io.StringIO(client.get("/map/cameras.csv").getvalue().decode())))
    assert len(rows) == 4
    assert {r["source"] for r in rows} == {"release", "field", "osm"}
    assert next(r for r in rows if r["osm_id"] == "77")["osm_type"] == "node"


def test_export_command_writes_each_format(tmp_path, exported):
    for fmt in ("geojson", "csv", "osm"):
        path = tmp_path / f"out.{fmt}"
        call_command("export_cameras", "--format", fmt, "-o", str(path), stderr=io.StringIO())
        assert path.stat().st_size > 50
    ET.parse(tmp_path / "out.osm")
