"""What runs inside Django, on one benchmark database (BENCH_DATABASE): building the data,
the in-process measurements, the pages, and the browser. Started by benchmarks/run.py as
`python -m benchmarks.worker <task> --out result.json`; it never runs on its own."""

import argparse
import gzip
import io
import json
import math
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from maps_app.models import CameraLocation  # noqa: E402
from requests_app.models import PoliceService, User  # noqa: E402

from . import RUNS, WORKER_MARK, data, static  # noqa: E402
from .tiles import COUNTRY_CENTRE, VIEWPORTS, View, tiles_covering  # noqa: E402

ZOOMS = range(3, 19)
COUNTRY_ZOOMS = range(3, 7)
COVERAGE = "/api/map/coverage.geojson?zoom=4"
EXPORTS = ["/map/cameras.geojson", "/map/cameras.csv", "/map/cameras.osm"]


# --- The cameras endpoint: z/x/y tiles where the site has them, else one bounding box ----


def tile_url(z: int, x: int, y: int) -> str | None:
    try:
        return reverse("maps_app:api_camera_tile", args=[z, x, y])
    except NoReverseMatch:
        return None


def has_tiles() -> bool:
    return tile_url(0, 0, 0) is not None


def view_paths(view: View) -> list[str]:
    """The requests a map in this viewport makes for its cameras."""
    if has_tiles():
        return [tile_url(*tile) for tile in view.tiles()]
    west, south, east, north = view.bbox()
    return [f"/api/map/cameras?bbox={west:.5f},{south:.5f},{east:.5f},{north:.5f}&zoom={view.zoom}"]


def camera_detail_url(pk: int) -> str | None:
    try:
        return reverse("maps_app:api_camera_detail", args=[pk])
    except NoReverseMatch:
        return None


def dense_centre() -> tuple[float, float]:
    """The middle of the 0.25-degree cell holding the most cameras."""
    counts: dict[tuple[int, int], int] = {}
    for lat, lon in CameraLocation.objects.public().values_list("latitude", "longitude"):
        cell = (math.floor(float(lon) * 4), math.floor(float(lat) * 4))
        counts[cell] = counts.get(cell, 0) + 1
    (x, y), _count = max(counts.items(), key=lambda item: item[1])
    return (x + 0.5) / 4, (y + 0.5) / 4


# --- In-process timing -------------------------------------------------------------------


def get(client: Client, path: str, **headers):
    """(seconds, response, body): the whole answer, streamed ones included."""
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    return time.perf_counter() - started, response, body


def mean_time(client: Client, paths: list[str], **headers) -> float:
    return sum(get(client, path, **headers)[0] for path in paths) / len(paths)


def body_sizes(client: Client, path: str) -> tuple[int, int]:
    """Raw and gzipped size of one answer: as the server sends it to a client that accepts
    gzip, and unpacked (or, when it sends it plain, packed with gzip -6)."""
    _t, response, body = get(client, path, accept_encoding="gzip")
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    if response.get("Content-Encoding") == "gzip":
        return len(gzip.decompress(body)), len(body)
    return len(body), len(gzip.compress(body, compresslevel=6))


def measure_sizes(client: Client, centre) -> dict:
    """Per viewport and zoom, the camera answers a map needs, summed, at the dense centre
    and (at low zoom) the middle of the country: the larger of the two."""
    result = {}
    for name, (width, height) in VIEWPORTS.items():
        for zoom in ZOOMS:
            centres = [centre] + ([COUNTRY_CENTRE] if zoom in COUNTRY_ZOOMS else [])
            best = None
            for lon, lat in centres:
                paths = view_paths(View(lon, lat, zoom, width, height))
                sizes = [body_sizes(client, path) for path in paths]
                entry = {
                    "raw": sum(s[0] for s in sizes),
                    "gzip": sum(s[1] for s in sizes),
                    "requests": len(paths),
                    "centre": "country" if (lon, lat) == COUNTRY_CENTRE else "dense",
                }
                if best is None or entry["raw"] > best["raw"]:
                    best = entry
            result[f"{name} z{zoom}"] = best
    return result


def timed_run(client: Client, paths: list[str], baseline_path: str) -> tuple[float, float]:
    """The endpoint's paths (mean per request), then as many requests for the static
    baseline."""
    value = mean_time(client, paths, accept_encoding="gzip")
    return value, mean_time(client, [baseline_path] * len(paths), accept_encoding="gzip")


def timed_runs(client: Client, figures: dict, *, before=None) -> dict:
    """RUNS runs of each figure, `{name: (build_paths, baseline_path)}`, where
    `build_paths(run)` gives the paths of each run. `before` runs once at the start of each
    run, before every figure's measurement: each figure's cache entries are its own, so one
    change leaves all of them cold."""
    result = {
        name: {"runs": [], "baseline_runs": [], "baseline": baseline}
        for name, (_paths, baseline) in figures.items()
    }
    for run in range(RUNS):
        if before:
            before()
        for name, (build_paths, baseline) in figures.items():
            value, base = timed_run(client, build_paths(run), baseline)
            result[name]["runs"].append(value)
            result[name]["baseline_runs"].append(base)
    return result


def measure_server_times(client: Client, centre) -> dict:
    width, height = VIEWPORTS["1280x800"]
    dense = View(*centre, 12, width, height)
    warm_paths = view_paths(dense)
    for path in warm_paths:
        get(client, path, accept_encoding="gzip")
    tile_size = sorted(body_sizes(client, p)[0] for p in warm_paths)[len(warm_paths) // 2]
    tile_static = static.nearest(tile_size)
    _t, _response, coverage_body = get(client, COVERAGE)
    coverage_static = static.nearest(len(coverage_body))
    country = View(*COUNTRY_CENTRE, 4, width, height)
    result = {
        "endpoint": "tiles" if has_tiles() else "bbox",
        "tile_body": tile_size,
        "coverage_body": len(coverage_body),
        **timed_runs(
            client,
            {
                "cameras warm": (lambda run: warm_paths, tile_static),
                "coverage warm": (lambda run: [COVERAGE], coverage_static),
            },
        ),
        # Cold: right after a change to the data, handled as the site handles one (a request
        # saved: the data version moves, and every cached tile and coverage body with it,
        # and the pre-building task runs, as a worker runs it within seconds of the
        # change), and for tiles, views never asked for.
        **timed_runs(
            client,
            {
                "cameras cold z12": (
                    lambda run: view_paths(dense.panned(3 * (run + 1), 0)),
                    tile_static,
                ),
                "cameras cold z4": (
                    lambda run: view_paths(country.panned(0.1 * run, 0)),
                    tile_static,
                ),
                "coverage cold": (lambda run: [COVERAGE], coverage_static),
            },
            before=data.announce_request_change,
        ),
    }
    pks = list(CameraLocation.objects.public().order_by("pk").values_list("pk", flat=True)[:30])
    if camera_detail_url(pks[0]):
        size = body_sizes(client, camera_detail_url(pks[0]))[0]
        result |= timed_runs(
            client,
            {
                "camera details": (
                    lambda run: [camera_detail_url(pk) for pk in pks[1 + run * 9 : 10 + run * 9]],
                    static.nearest(size),
                )
            },
        )
    return result


# --- What gunicorn is loaded with --------------------------------------------------------


def load_paths(centre, scale: float) -> dict:
    """The path lists of the throughput runs: warm tiles, panning at zoom 12 and at country
    zooms (each path asked for once), and the exports."""
    rng = random.Random(18)
    width, height = VIEWPORTS["1280x800"]
    wanted = max(3000, int(30000 * scale))
    if has_tiles():
        band = (-128.0, 42.5, -60.0, 55.0)
        z12 = tiles_covering(band, 12)
        low = [t for z in range(4, 9) for t in tiles_covering((-141.0, 41.7, -52.6, 83.1), z)]
        pan12 = [tile_url(*t) for t in rng.sample(z12, min(wanted, len(z12)))]
        pan_low = [tile_url(*t) for t in rng.sample(low, len(low))]
    else:

        def views(zooms, count):
            return [
                view_paths(
                    View(
                        rng.uniform(-128.0, -60.0),
                        rng.uniform(42.5, 55.0),
                        rng.choice(zooms),
                        width,
                        height,
                    )
                )[0]
                for _ in range(count)
            ]

        pan12, pan_low = views([12], wanted), views([4, 5, 6, 7, 8], wanted)
    return {
        "warm": view_paths(View(*centre, 12, width, height)),
        "pan z12": pan12,
        "pan z4-8": pan_low,
        "coverage": [COVERAGE],
        "exports": EXPORTS,
    }


# --- Pages -------------------------------------------------------------------------------


def page_list() -> list[tuple[str, str, str | None]]:
    """(name, path, who) for each page the targets name."""
    service = (
        PoliceService.objects.filter(active=True, requests__isnull=False).order_by("pk").first()
    )
    return [
        ("/map/", reverse("maps_app:map"), None),
        ("/directory/", reverse("requests_app:directory"), None),
        ("/findings/", reverse("requests_app:findings"), None),
        ("/stats/", reverse("stats"), None),
        ("/dashboard/", reverse("dashboard"), data.ORGANIZER_EMAIL),
        ("service page", service.get_absolute_url(), None),
        ("/me/", reverse("requests_app:me"), data.VOLUNTEER_EMAIL),
    ]


def serve() -> None:
    """What benchmarks/run.py asks of this database while it measures another one beside
    it, a request per line of standard input, each answered on one line of standard output
    marked WORKER_MARK: the run alternates the two databases' measurements, so that whatever
    else slows the machine weighs on both alike.

    - `pages`: the names of the pages the targets name (`page_list`);
    - `page <name>`: one timed request of that page (warmed first, on its first request:
      sessions, templates, caches);
    - `change`: a change to the data, as the site handles one (`data.announce_request_change`).

    It starts by saying where the map is and how long the site's processes take to see a
    change another process made."""

    def answer(value: dict) -> None:
        print(WORKER_MARK + json.dumps(value), flush=True)

    answer({"map": reverse("maps_app:map"), "memo_seconds": settings.MAP_VERSION_MEMO_SECONDS})
    listed: dict[str, tuple[str, str | None]] = {}  # read on the first page asked for
    pages: dict[str, tuple[str, Client]] = {}
    for line in sys.stdin:
        command, _, name = line.strip().partition(" ")
        if command == "change":
            data.announce_request_change()
            answer({})
            continue
        if not listed and command in ("pages", "page"):
            listed = {name: (path, who) for name, path, who in page_list()}
        if command == "pages":
            answer({"pages": list(listed)})
            continue
        if name not in pages:
            path, who = listed[name]
            client = Client()
            if who:
                client.force_login(User.objects.get(email=who))
            get(client, path)
            pages[name] = (path, client)
        path, client = pages[name]
        with CaptureQueriesContext(connection) as queries:
            seconds, response, body = get(client, path)
        answer(
            {
                "path": path,
                "seconds": seconds,
                "status": response.status_code,
                "bytes": len(body),
                "queries": len(queries.captured_queries),
            }
        )


# --- The deadline engine -----------------------------------------------------------------


def deadline_work(count: int) -> float:
    """Seconds to work out `count` requests' due dates, with extensions and fee pauses."""
    from requests_app.deadlines import Pause, TimeLimit, compute_due_date

    rng = random.Random(count)
    places = ["ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "CA"]
    cases = []
    for _ in range(count):
        received = date(2022, 1, 3) + timedelta(days=rng.randrange(1500))
        pause = Pause(received + timedelta(days=5), received + timedelta(days=12), "fee")
        cases.append(
            (
                received,
                TimeLimit(30, rng.choice(["business", "calendar"]), rng.choice(places)),
                rng.choice([0, 0, 30]),
                (pause,) if rng.random() < 0.3 else (),
            )
        )
    started = time.perf_counter()
    for received, limit, extension, pauses in cases:
        compute_due_date(received_on=received, limit=limit, extension_days=extension, pauses=pauses)
    return time.perf_counter() - started


def measure_deadlines() -> dict:
    small = 300
    # Warm: the rules and every year's holiday tables the larger run meets, loaded once (the
    # smaller run meets fewer years, and the larger paid for the rest in its first run).
    deadline_work(10 * small)
    runs = [(deadline_work(small), deadline_work(10 * small)) for _ in range(RUNS)]
    return {"count": small, "runs": [r[1] for r in runs], "baseline_runs": [r[0] for r in runs]}


# --- Exports ------------------------------------------------------------------------------


def measure_export_size(client: Client) -> dict:
    started = time.perf_counter()
    _t, response, body = get(client, EXPORTS[0])
    return {
        "status": response.status_code,
        "raw": len(body),
        "gzip": len(gzip.compress(body, compresslevel=6)),
        "first_request_seconds": time.perf_counter() - started,
    }


# --- Entry point ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["template", "build", "measure", "serve"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", help="where to write the result (all tasks but serve)")
    parser.add_argument("--overpass", help="where to write the import's Overpass file")
    args = parser.parse_args()
    if args.task == "template":  # as `make run` prepares a database, in one process
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
        result = {}
    elif args.task == "build":
        result = data.generate(data.Sizes.at(args.scale))
        data.announce_change()
    elif args.task == "serve":
        serve()
        return
    else:
        client = Client()
        centre = dense_centre()
        result = {
            "centre": centre,
            "export": measure_export_size(client),
            "sizes": measure_sizes(client, centre),
            "server": measure_server_times(client, centre),
            "deadlines": measure_deadlines(),
            "paths": load_paths(centre, args.scale),
        }
        data.overpass_file(args.overpass, round(data.FULL["cameras"] * args.scale))
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
