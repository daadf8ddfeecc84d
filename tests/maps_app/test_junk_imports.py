"""Junk given to the import commands: a clear message, no traceback, nothing changed.

Property-based (hypothesis, a fixed number of generated files each, derandomized so a run
is repeatable) for the GeoJSON area import and the Overpass parser and import, and one
test for each junk the security probe reported. docs/reliability.md has the counts.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from maps_app import geo
from maps_app.areas import AreaFileError, area_import
from maps_app.models import CameraLocation, CameraRevision, ServiceArea
from maps_app.osm import OsmFileError, osm_import, parse_overpass

# JSON values of every kind, nested a few levels, with the numbers that broke the commands:
# true/false where numbers go, integers past 64 bits (and past float), NaN and infinity.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 10**400, 0, -1])
    | st.floats()
    | st.text(max_size=12)
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def mostly(good, bad):
    """Three times in four a plausible value, so that many generated files import
    something; otherwise junk."""
    # A band in the middle, as hypothesis draws the ends of a range more often.
    return st.integers(0, 99).flatmap(lambda n: bad if 40 <= n < 65 else good)


latitude = mostly(st.floats(min_value=43, max_value=55), scalars)
longitude = mostly(st.floats(min_value=-100, max_value=-70), scalars)
coordinate = latitude | longitude
position = st.one_of(st.tuples(longitude, latitude).map(list), st.lists(coordinate, max_size=3))
ring = st.lists(position, min_size=0, max_size=6)


@st.composite
def boxes(draw):
    """A ring around a point near Toronto or Ottawa: a real polygon, or a bow-tie."""
    lon, lat = draw(st.sampled_from([(-79.4, 43.7), (-75.7, 45.4)]))
    size = draw(st.floats(min_value=0.001, max_value=0.5))
    corners = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
    if draw(st.booleans()):
        corners[1], corners[2] = corners[2], corners[1]
    return [[*corners, corners[0]]]


@st.composite
def geometries(draw):
    kind = draw(mostly(st.sampled_from(["Polygon", "MultiPolygon", "Point"]), junk))
    if draw(mostly(st.just(False), st.just(True))):
        coordinates = draw(junk)
    elif draw(st.booleans()):
        coordinates = draw(boxes())
        coordinates = [coordinates] if kind == "MultiPolygon" else coordinates
    elif kind == "MultiPolygon":
        coordinates = draw(st.lists(st.lists(ring, max_size=2), max_size=2))
    else:
        coordinates = draw(st.lists(ring, max_size=2))
    return {"type": kind, "coordinates": coordinates}


@st.composite
def feature_collections(draw):
    def feature():
        properties = st.fixed_dictionaries(
            {
                "CSDNAME": mostly(st.sampled_from(["Toronto", "Ottawa", ""]), junk),
                "PRUID": mostly(st.sampled_from(["35", "ON", "99"]), junk),
            }
        )
        return mostly(
            st.fixed_dictionaries(
                {
                    "type": st.just("Feature"),
                    "properties": mostly(properties, junk),
                    "geometry": mostly(geometries(), junk),
                }
            ),
            st.none() | junk,
        )

    if draw(st.integers(0, 99)) == 50:  # now and then not even a collection
        return draw(junk)
    return {"type": "FeatureCollection", "features": draw(st.lists(feature(), max_size=5))}


def _areas_state():
    return sorted(ServiceArea.objects.values_list("police_service_id", "geometry"))


@settings(max_examples=60)
@given(data=feature_collections())
def test_the_area_import_refuses_junk_cleanly(toronto, ottawa, data):
    before = _areas_state()
    try:
        report = area_import(data, match_property="CSDNAME", province_property="PRUID")
    except AreaFileError:
        assert _areas_state() == before
        return
    assert report.areas <= report.matched <= report.features
    for area in ServiceArea.objects.all():
        clean = geo.clean_area(area.geometry)  # only real polygons in Canada are stored
        assert geo.in_canada(clean.bounds[1], clean.bounds[0])


@st.composite
def overpass_exports(draw):
    alpr = st.fixed_dictionaries(
        {
            "man_made": st.just("surveillance"),
            "surveillance:type": st.sampled_from(["ALPR", "alpr"]),
        },
        optional={
            "direction": mostly(st.sampled_from(["90", "NE;270", "banana"]), junk),
            "operator": mostly(st.sampled_from(["Toronto Police Service", ""]), junk),
            "camera:mount": mostly(st.sampled_from(["pole", "wall", "tree"]), junk),
        },
    )
    element = st.fixed_dictionaries(
        {
            "type": mostly(st.sampled_from(["node", "way"]), junk),
            "id": mostly(st.integers(min_value=1, max_value=40), scalars),
            "lat": latitude,
            "lon": longitude,
            "tags": mostly(alpr, junk),
        },
        optional={"nodes": junk, "center": junk, "geometry": junk},
    )
    if draw(st.integers(0, 99)) == 50:  # now and then not even a collection
        return draw(junk)
    return {"elements": draw(st.lists(mostly(element, junk), max_size=8))}


@settings(max_examples=300)
@given(data=overpass_exports())
def test_overpass_parsing_keeps_only_real_cameras_in_canada(data):
    try:
        cameras, skipped = parse_overpass(data)
    except OsmFileError:
        return
    sources = [
        e for e in data["elements"] if isinstance(e, dict) and isinstance(e.get("type"), str)
    ]
    assert len({(c.osm_type, c.osm_id) for c in cameras}) == len(cameras)
    assert len(cameras) + len(skipped) <= len(data["elements"])
    for camera in cameras:
        assert camera.osm_type in ("node", "way") and 0 < camera.osm_id < 2**63
        assert geo.in_canada(float(camera.latitude), float(camera.longitude))
        assert all(isinstance(v, str) for v in camera.tags.values())
        if camera.osm_type == "node":  # its own position, never true read as 1.0
            assert any(
                e["type"] == "node"
                and e.get("id") == camera.osm_id
                and not isinstance(e["lat"], bool)
                and _as_text(e["lat"]) == str(camera.latitude)
                for e in sources
            )


def _as_text(value) -> str | None:
    """A coordinate as the import stores it, or None when it is no number."""
    try:
        return f"{float(value):.6f}"
    except (TypeError, ValueError, OverflowError):
        return None


def _cameras_state():
    return sorted(CameraLocation.objects.values_list("osm_type", "osm_id", "latitude"))


@settings(max_examples=40)
@given(data=overpass_exports())
def test_the_overpass_import_never_fails_on_junk(toronto, data):
    before = _cameras_state()
    try:
        report = osm_import(data)
    except OsmFileError:
        assert _cameras_state() == before
        return
    assert report.created + report.updated + report.unchanged <= report.total
    assert CameraRevision.objects.count() >= CameraLocation.objects.count()


# --- What the probe reported -------------------------------------------------------------


def _command(name, path, *args):
    out = io.StringIO()
    call_command(name, str(path), *args, stdout=out)
    return out.getvalue()


def _write(tmp_path, text):
    path = tmp_path / "junk.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"features": [' + "1" * 5000 + "]}", "not valid JSON"),
        ('{"features": null}', 'no list of "features"'),
    ],
)
def test_import_areas_answers_junk_files_with_a_message(tmp_path, db, text, message):
    with pytest.raises(CommandError, match=message):
        _command("import_areas", _write(tmp_path, text), "--match-property", "CSDNAME")
    assert not ServiceArea.objects.exists()


def test_import_areas_reports_junk_features_and_saves_none(tmp_path, toronto):
    deep = json.loads("[" * 500 + "]" * 500)
    polygon = [[[-79.6, 43.58], [-79.1, 43.58], [-79.1, 43.86], [-79.6, 43.58]]]
    features = [
        None,
        "a string",
        {"properties": None, "geometry": None},
        {"properties": {"CSDNAME": deep}, "geometry": None},
        {
            "properties": {"CSDNAME": "Toronto"},
            "geometry": {"type": "Polygon", "coordinates": deep},
        },
        {
            "properties": {"CSDNAME": "Toronto"},
            "geometry": {"type": "Polygon", "coordinates": [[[True, 43.6], *polygon[0]]]},
        },
        {
            "properties": {"CSDNAME": "Toronto"},
            "geometry": {"type": "Polygon", "coordinates": [[[10**400, 43.6], *polygon[0]]]},
        },
    ]
    path = _write(tmp_path, json.dumps({"type": "FeatureCollection", "features": features}))
    output = _command("import_areas", path, "--match-property", "CSDNAME")
    assert "rejected feature 1: not a GeoJSON feature object" in output
    assert "rejected feature 4: no CSDNAME property" in output
    assert output.count("rejected Toronto: a position is not two numbers") == 2  # deep; true
    assert "rejected Toronto: a position is not a longitude and latitude in degrees" in output
    assert "0 service areas saved from 0 of 7 features" in output
    assert not ServiceArea.objects.exists()


def test_import_osm_cameras_answers_junk_files_with_a_message(tmp_path, db):
    for text, message in [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"elements": [' + "9" * 5000 + "]}", "not valid JSON"),
        ('{"elements": null}', 'no list of "elements"'),
    ]:
        with pytest.raises(CommandError, match=message):
            _command("import_osm_cameras", _write(tmp_path, text))
    assert not CameraLocation.objects.exists()


def test_import_osm_cameras_skips_junk_elements_with_reasons(tmp_path, toronto):
    alpr = {"man_made": "surveillance", "surveillance:type": "ALPR"}
    deep = json.loads("[" * 500 + "]" * 500)
    elements = [
        None,
        {"type": "node", "id": 1, "lat": True, "lon": -79.38, "tags": alpr},
        {"type": "node", "id": 2, "lat": 43.65, "lon": 10**400, "tags": alpr},
        {"type": "node", "id": 10**30, "lat": 43.65, "lon": -79.38, "tags": alpr},
        {"type": deep, "id": deep, "lat": 43.65, "lon": -79.38, "tags": alpr},
        {"type": "node", "id": 3, "lat": 43.65, "lon": -79.38, "tags": {**alpr, "x": deep}},
        {"type": "way", "id": 4, "nodes": [deep, {}, 10**30], "tags": alpr},
    ]
    output = _command("import_osm_cameras", _write(tmp_path, json.dumps({"elements": elements})))
    assert "skipped element 1: not a JSON object" in output
    assert "skipped node 1: no usable coordinates" in output  # true is not latitude 1.0
    assert "skipped node 2: no usable coordinates" in output
    assert "skipped element 4: no valid id" in output
    assert "skipped element 5: a typeless element, only nodes and ways are read" in output
    assert "skipped node 3: a tag is not text" in output
    assert "skipped way 4: no usable coordinates" in output
    assert "0 added, 0 updated, 0 unchanged, 7 skipped." in output
    assert not CameraLocation.objects.exists()
