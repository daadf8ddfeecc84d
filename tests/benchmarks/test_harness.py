"""The benchmark's own logic that can be checked cheaply: viewport maths, the baselines it
picks and the verdicts and summary line it prints. No timing here."""

import pytest

from benchmarks import static
from benchmarks.data import Sizes
from benchmarks.report import (
    HEADINGS,
    INTRO,
    Figure,
    at_most,
    document,
    fmt_ratio,
    ratio_at_least,
    ratio_at_most,
    section,
    summary,
    table,
)
from benchmarks.run import page_runs
from benchmarks.tiles import View, lonlat, tiles_covering, world_pixels


@pytest.mark.parametrize("zoom", [0, 4, 12, 18])
def test_pixels_and_degrees_are_inverse(zoom):
    x, y = world_pixels(-79.3832, 43.6532, zoom)
    lon, lat = lonlat(x, y, zoom)
    assert lon == pytest.approx(-79.3832)
    assert lat == pytest.approx(43.6532)


def test_a_viewport_needs_the_tiles_it_touches():
    # Centred on a tile corner, 1280x800 pixels spans 5 whole tiles plus two halves across
    # and 3 plus two partial rows down: 6 x 4 tiles.
    corner_lon, corner_lat = lonlat(256 * 1000, 256 * 700, 12)
    view = View(corner_lon, corner_lat, 12, 1280, 800)
    tiles = view.tiles()
    assert len(tiles) == 6 * 4
    assert {t[0] for t in tiles} == {12}
    assert min(t[1] for t in tiles) == 1000 - 3 and max(t[1] for t in tiles) == 1000 + 2
    assert min(t[2] for t in tiles) == 700 - 2 and max(t[2] for t in tiles) == 700 + 1


def test_a_bigger_screen_needs_more_tiles_and_never_leaves_the_world():
    small = View(-96.0, 56.0, 3, 1280, 800)
    large = View(-96.0, 56.0, 3, 2560, 1440)
    assert len(large.tiles()) >= len(small.tiles())
    assert all(0 <= x < 8 and 0 <= y < 8 for _z, x, y in large.tiles())
    west, south, east, north = large.bbox()
    assert -180 <= west < east <= 180 and -86 < south < north < 86


def test_the_bbox_of_a_view_holds_its_centre_and_panning_moves_it():
    view = View(-79.4, 43.7, 12, 1280, 800)
    west, south, east, north = view.bbox()
    assert west < -79.4 < east and south < 43.7 < north
    moved = view.panned(1, 0)
    assert moved.lon > east - 0.01  # one viewport width to the east
    assert not set(moved.tiles()) & set(view.panned(3, 0).tiles())


def test_tiles_covering_a_box():
    assert tiles_covering((-180, -85, 180, 85), 1) == [(1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1)]


def test_the_static_baseline_is_the_nearest_size():
    assert static.nearest(1000) == "/static/bench/size-1000.json"
    assert static.nearest(60_000) == "/static/bench/size-64000.json"
    assert static.size_of(static.nearest(10**9)) == static.SIZES[-1]


def test_targets_and_the_summary_line():
    figures = [
        at_most("cameras raw", 90_000, 100_000, "B"),
        at_most("cameras gzip", 31_000, 30_000, "B"),
        ratio_at_most("warm", 0.002, 0.001, 2, "s"),
        ratio_at_least("panning", 5.0, 100.0, 0.1, "req/s"),
        Figure("not run", None, "s", target="ratio <= 1.5", met=False, note="no Chromium"),
        Figure("shown only", 0.01, "s"),
    ]
    assert [f.met for f in figures] == [True, False, True, False, False, None]
    assert summary(figures) == "bench: 2 of 5 targets met"
    printed = table(figures)
    assert "MISSED" in printed and "not run (no Chromium)" in printed
    header = ["figure", "baseline", "ratio", "target", "met/MISSED"]
    assert printed.splitlines()[0].split() == header


def test_sizes_scale_from_the_full_benchmark():
    assert Sizes.at(1) == Sizes(services=2000, requests=50_000, cameras=150_000)
    assert Sizes.at(0.1) == Sizes(services=200, requests=5000, cameras=15_000)
    assert Sizes.at(0.001).services == 20  # never fewer services than the small database has


def test_small_ratios_read_as_fractions():
    assert fmt_ratio(1 / 88) == "1/88"
    assert fmt_ratio(0.5) == "0.50x"
    assert fmt_ratio(282.4) == "282x"


def test_a_run_replaces_its_own_section_and_keeps_the_other():
    figures = [at_most("cameras raw", 90_000, 100_000, "B")]
    quick = section(figures, heading=HEADINGS["quick"], context={"Scale": "quick"}, details=[])
    full = section(figures, heading=HEADINGS["full"], context={"Scale": "full"}, details=["x"])
    both = document(document("", "quick", quick), "full", full)
    assert both.startswith(INTRO)
    assert both.index(HEADINGS["full"]) < both.index(HEADINGS["quick"])
    again = document(both, "quick", quick.replace("Scale:** quick", "Scale:** quick again"))
    assert again.count(HEADINGS["quick"]) == 1 and "quick again" in again
    assert full.strip() in again


def test_a_pages_runs_are_the_means_of_its_requests_in_a_row():
    seconds = [0.1, 0.2, 0.3, 1.0, 1.0, 1.0, 0.5, 0.5, 0.8]  # 3 runs of 3 requests
    answers = [
        {"seconds": s, "status": 200, "queries": 7 + (i == 4)} for i, s in enumerate(seconds)
    ]
    answers[5]["status"] = 500
    measured = page_runs(answers)
    assert measured["runs"] == pytest.approx([0.2, 1.0, 0.6])
    assert (measured["status"], measured["queries"]) == (500, 7)
