"""Properties that hold for every input (hypothesis): the deadline engine, the map's
parameters (bounding boxes, zooms, tiles), coordinates and directions on the camera form."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from maps_app import geo
from maps_app.api import BadParameter, parse_bbox, parse_tile, parse_zoom
from maps_app.forms import CameraForm
from requests_app.deadlines import Pause, TimeLimit, all_rules, compute_due_date

JURISDICTIONS = sorted(all_rules())
days_received = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
limits = st.builds(
    TimeLimit,
    days=st.integers(1, 90),
    day_kind=st.sampled_from(["calendar", "business"]),
    jurisdiction=st.sampled_from(JURISDICTIONS),
)


def due(received_on, limit, **options):
    return compute_due_date(received_on=received_on, limit=limit, **options).due_on


@given(received_on=days_received, limit=limits)
def test_a_due_date_is_never_before_the_days_it_counts_nor_far_past_them(received_on, limit):
    on = due(received_on, limit)
    assert on >= received_on + timedelta(days=limit.days)
    # Weekends, holidays and a moved last day add at most about 2 of every 5 days, plus a
    # holiday stretch (Christmas to New Year).
    assert on <= received_on + timedelta(days=limit.days * 7 // 5 + 14)


@given(earlier=days_received, later_by=st.integers(0, 60), limit=limits)
def test_a_later_request_is_never_due_earlier(earlier, later_by, limit):
    assert due(earlier + timedelta(days=later_by), limit) >= due(earlier, limit)


@given(received_on=days_received, limit=limits, more=st.integers(0, 60))
def test_an_extension_counts_like_a_longer_limit(received_on, limit, more):
    longer = TimeLimit(limit.days + more, limit.day_kind, limit.jurisdiction)
    assert due(received_on, limit, extension_days=more) == due(received_on, longer)
    assert due(received_on, longer) >= due(received_on, limit)


@given(
    received_on=days_received,
    limit=limits,
    starts_after=st.integers(1, 40),
    length=st.integers(0, 30),
)
def test_a_pause_never_brings_a_due_date_forward(received_on, limit, starts_after, length):
    start = received_on + timedelta(days=starts_after)
    pause = Pause(start=start, end=start + timedelta(days=length))
    assert due(received_on, limit, pauses=[pause]) >= due(received_on, limit)


def bbox_checked(raw: str) -> None:
    try:
        box = parse_bbox(raw)
    except BadParameter as refusal:
        assert str(refusal).startswith("bbox")
        return
    assert -180 <= box.west < box.east <= 180 and -90 <= box.south < box.north <= 90


@given(st.text(max_size=80))
def test_any_bbox_text_is_a_valid_box_or_a_clear_refusal(raw):
    bbox_checked(raw)


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-400, 400)),
        min_size=4,
        max_size=4,
    )
)
def test_any_four_numbers_are_a_valid_box_or_a_clear_refusal(numbers):
    bbox_checked(",".join(str(n) for n in numbers))


@given(st.one_of(st.none(), st.text(max_size=10), st.integers(-5, 30).map(str)))
def test_any_zoom_is_0_to_20_or_a_clear_refusal(raw):
    try:
        zoom = parse_zoom(raw, default=4)
    except BadParameter as refusal:
        assert "zoom" in str(refusal)
        return
    assert 0 <= zoom <= 20


@given(z=st.integers(-2, 30), x=st.integers(-5, 2**20), y=st.integers(-5, 2**20))
def test_any_tile_is_on_the_map_or_a_clear_refusal(z, x, y):
    try:
        parse_tile(z, x, y)
    except BadParameter:
        assert not (0 <= z <= 20 and 0 <= x < 2**z and 0 <= y < 2**z)
        return
    assert 0 <= x < 2**z and 0 <= y < 2**z


@pytest.mark.django_db
@given(
    latitude=st.one_of(st.floats(-100, 100), st.text(max_size=12)),
    longitude=st.one_of(st.floats(-200, 200), st.text(max_size=12)),
    directions=st.text(max_size=40),
)
def test_the_camera_form_takes_only_points_in_canada_and_real_directions(
    latitude, longitude, directions
):
    form = CameraForm(
        data={"latitude": str(latitude), "longitude": str(longitude), "directions": directions},
        user=AnonymousUser(),
    )
    if not form.is_valid():
        assert form.errors  # each refusal says why
        return
    data = form.cleaned_data
    assert geo.in_canada(float(data["latitude"]), float(data["longitude"]))
    assert all(0 <= d <= 359 for d in data["directions"])


@given(st.text(max_size=40))
def test_directions_are_degrees_0_to_359_or_named_as_not_understood(text):
    directions, bad = geo.parse_directions(text)
    assert all(isinstance(d, int) and 0 <= d <= 359 for d in directions)
    # Every value is read or named: nothing is dropped silently.
    values = [v.strip() for v in text.replace(",", ";").split(";") if v.strip()]
    assert len(directions) + len(bad) == len(values)
