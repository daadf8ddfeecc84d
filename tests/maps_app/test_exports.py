"""The camera exports are files: built once per change of the cameras, served as they are."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app import exports
from maps_app.models import CameraLocation
from maps_app.services import camera_decide
from tests.services import tasks_in_process

from .conftest import make_camera

GEOJSON = "/map/cameras.geojson"


def ids(response) -> set[int]:
    return {feature["id"] for feature in json.loads(response.getvalue())["features"]}


def camera_rows_read(queries) -> list[str]:
    """Queries reading cameras, other than the fingerprint (a count and two maxima)."""
    return [
        q["sql"]
        for q in queries
        if "maps_app_cameralocation" in q["sql"] and not q["sql"].startswith("SELECT COUNT(")
    ]


@pytest.mark.parametrize(
    "address, content_type, filename",
    [
        ("/map/cameras.geojson", "application/geo+json", "alpr-cameras.geojson"),
        ("/map/cameras.csv", "text/csv", "alpr-cameras.csv"),
        ("/map/cameras.osm", "application/xml", "alpr-cameras.osm"),
    ],
)
def test_each_export_is_a_file_with_a_fixed_type_and_name(
    client, db, address, content_type, filename
):
    make_camera()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["ETag"] and response["Last-Modified"]
    assert (exports.exports_root() / filename).exists()
    again = client.get(address, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "address", ["/map/cameras.geojson", "/map/cameras.csv", "/map/cameras.osm"]
)
def test_a_client_taking_gzip_gets_the_same_export_gzipped(client, db, address):
    make_camera()
    plain = client.get(address)
    packed = client.get(address, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.getvalue()) == plain.getvalue()
    assert packed["Content-Type"] == plain["Content-Type"]
    assert packed["Content-Disposition"] == plain["Content-Disposition"]
    assert "Accept-Encoding" in packed["Vary"] and packed["Vary"] == plain["Vary"]
    assert packed["ETag"] != plain["ETag"]


def test_a_served_export_is_read_from_its_file_not_built_again(client, db):
    make_camera()
    body = client.get(GEOJSON).getvalue()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            again = client.get(GEOJSON)
            assert again.getvalue() == body
    assert camera_rows_read(queries) == []
    # Whether the cameras changed is asked once per version of the map's data.
    assert len([q for q in queries if "maps_app_cameralocation" in q["sql"]]) <= 1


def test_a_change_to_the_cameras_is_in_the_next_export(client, olivia, settings):
    shown = make_camera()
    pending = make_camera(status=CameraLocation.Status.PENDING)
    assert ids(client.get(GEOJSON)) == {shown.pk}
    camera_decide(camera=pending, by=olivia, decision="approved")
    # Without a worker the visitor right after the change may get the file as it was: the
    # rebuild runs once that answer is sent. (In-process: the services run's worker cannot
    # see this test's rows.)
    with tasks_in_process(settings):
        client.get(GEOJSON).getvalue()
    assert ids(client.get(GEOJSON)) == {shown.pk, pending.pk}


def test_demo_cameras_are_never_in_the_exports(client, db):
    real = make_camera()
    make_camera(is_demo=True, latitude=real.latitude + 1)
    assert ids(client.get(GEOJSON)) == {real.pk}
    assert len(client.get("/map/cameras.csv").getvalue().decode().splitlines()) == 2


def test_while_the_first_build_runs_elsewhere_the_answer_is_come_back_later(client, db):
    make_camera()
    cache.add(exports.LOCK, True)  # another process is building the exports
    response = client.get(GEOJSON)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.content.decode()
    cache.delete(exports.LOCK)
    assert client.get(GEOJSON).status_code == 200


def test_an_export_is_replaced_whole(db, settings, tmp_path):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    make_camera()
    exports.exports_build()
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [
        "alpr-cameras.csv",
        "alpr-cameras.csv.gz",
        "alpr-cameras.geojson",
        "alpr-cameras.geojson.gz",
        "alpr-cameras.osm",
        "alpr-cameras.osm.gz",
        "exports.json",
    ]  # no half-written file left behind
    assert exports.exports_refresh() is False  # current: nothing to build
