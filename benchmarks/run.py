"""The benchmark runner: `python -m benchmarks.run` (`make bench`, `make bench-quick`).

It makes its databases (a template with the migrations and the shipped reference data,
cloned into full, 1/100 and empty), fills them through benchmarks/worker.py, measures,
starts gunicorn on 127.0.0.1 for the load and browser figures, prints the table and writes
docs/benchmarks.md. The last line it prints is `bench: N of M targets met`.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import RUNS, WORKER_MARK, load, report, static
from .report import (
    Figure,
    at_least,
    at_most,
    fmt,
    median,
    ratio_at_least,
    ratio_at_most,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KB = 1000
EXPORT_TARGET = f">= {fmt(50, 'req/s')}"
PAGE_REQUESTS = 3  # per run and database, alternated


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Databases ----------------------------------------------------------------------------


class Databases:
    """SQLite files in the run's folder, or PostgreSQL databases named after DATABASE_URL's
    with a _bench_<kind> suffix (created here, dropped at the end)."""

    def __init__(self, folder: Path):
        self.folder = folder
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        self.url = url
        self.made: list[str] = []

    def name(self, kind: str) -> str:
        if not self.postgres:
            return str(self.folder / f"{kind}.sqlite3")
        parts = urlsplit(self.url)
        base = parts.path.lstrip("/") or "campaign"
        return urlunsplit(parts._replace(path=f"/{base}_bench_{kind}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urlsplit(self.url)
        with psycopg.connect(
            urlunsplit(parts._replace(path="/postgres", scheme="postgresql")), autocommit=True
        ) as connection:
            connection.execute(sql)

    def _db(self, kind: str) -> str:
        return urlsplit(self.name(kind)).path.lstrip("/")

    def create_empty(self, kind: str) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self._db(kind)}"')
            self._admin(f'CREATE DATABASE "{self._db(kind)}"')
            self.made.append(kind)

    def clone(self, source: str, kind: str) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self._db(kind)}"')
            self._admin(f'CREATE DATABASE "{self._db(kind)}" TEMPLATE "{self._db(source)}"')
            self.made.append(kind)
        else:
            shutil.copyfile(self.name(source), self.name(kind))

    def drop_all(self) -> None:
        for kind in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{self._db(kind)}" WITH (FORCE)')

    def describe(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"


def redis_url() -> str:
    """REDIS_URL with the benchmark's own db number (BENCH_REDIS_DB, 13 by default)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{os.environ.get('BENCH_REDIS_DB', '13')}"))


def redis_flush(url: str) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def template_key() -> str:
    """A digest of what the template database is made from: migrations and shipped data."""
    digest = hashlib.sha256()
    files = sorted([*ROOT.glob("*/migrations/*.py"), *(ROOT / "data").rglob("*")])
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- Subprocesses -------------------------------------------------------------------------


class Bench:
    def __init__(self, scale: float, folder: Path):
        self.scale = scale
        self.folder = folder
        self.databases = Databases(folder)
        self.redis = redis_url()

    def env(self, kind: str) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="benchmarks.settings",
            BENCH_DIR=str(self.folder),
            BENCH_DATABASE=self.databases.name(kind),
            BENCH_REDIS_URL=self.redis,
            PYTHONUNBUFFERED="1",
        )
        return env

    def template(self) -> None:
        """The migrated database with the shipped reference data. On SQLite it is kept in
        .bench-cache/ for the next run, named after the migrations and data it holds."""
        cached = None
        if not self.databases.postgres:
            cached = ROOT / ".bench-cache" / f"template-{template_key()}.sqlite3"
            if cached.exists():
                shutil.copyfile(cached, self.databases.name("template"))
                return
        self.databases.create_empty("template")
        self.worker("template", "template")
        if cached:
            cached.parent.mkdir(exist_ok=True)
            for old in cached.parent.glob("template-*.sqlite3"):
                old.unlink()
            shutil.copyfile(self.databases.name("template"), cached)

    def worker(self, kind: str, task: str, *args: str) -> dict:
        out = self.folder / f"{task}-{kind}.json"
        subprocess.run(
            [
                PYTHON,
                "-m",
                "benchmarks.worker",
                task,
                "--scale",
                str(self.scale),
                "--out",
                str(out),
                *args,
            ],
            cwd=ROOT,
            env=self.env(kind),
            check=True,
        )
        return json.loads(out.read_text())

    @contextmanager
    def servers(self, *kinds: str):
        """gunicorn for each database, on free ports of 127.0.0.1, started side by side (they
        load at once) and stopped (each its process group) on leaving; yields the ports."""
        started = [self._server_start(kind) for kind in kinds]
        try:
            for _process, port in started:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                        break
                    except (urllib.error.URLError, ConnectionError):
                        time.sleep(0.3)
            yield [port for _process, port in started]
        finally:
            # Nothing is measured on them afterwards, and even gunicorn's quick shutdown takes
            # a second or more; the databases come through (SQLite's WAL, PostgreSQL).
            for process, _port in started:
                os.killpg(process.pid, signal.SIGKILL)
            for process, _port in started:
                process.wait()

    def _server_start(self, kind: str) -> tuple[subprocess.Popen, int]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "campaign.wsgi:application",
                "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                "--timeout", "30", "--log-level", "warning", "--preload",
            ],
            cwd=ROOT,
            env=self.env(kind),
            start_new_session=True,
        )  # fmt: skip
        return process, port


def fetch(port: int, path: str, timeout: float) -> float | None:
    """Seconds for one GET, or None when it fails or takes longer than `timeout`."""
    started = time.perf_counter()
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        log(f"GET {path}: {error}")
        return None
    return time.perf_counter() - started


def settle(port: int, path: str, *, limit: float = 30) -> None:
    """Wait until the server answers a static file at once again: requests the load left
    running (a slow endpoint's) must not weigh on the next run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        took = fetch(port, path, timeout=limit)
        if took is not None and took < 0.1:
            return


# --- The OpenStreetMap import -------------------------------------------------------------

# Runs the command as its only child, so its peak memory is the children's max RSS.
IMPORT_WRAPPER = """
import json, resource, subprocess, sys, time
limit = float(sys.argv[1])
started = time.monotonic()
try:
    subprocess.run(sys.argv[2:], timeout=limit, check=True, stdout=subprocess.DEVNULL)
    finished = True
except subprocess.TimeoutExpired:
    finished = False
print(json.dumps({"seconds": time.monotonic() - started, "finished": finished,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_import(bench: Bench, overpass: Path, limit: float) -> dict:
    out = subprocess.run(
        [
            PYTHON,
            "-c",
            IMPORT_WRAPPER,
            str(limit),
            PYTHON,
            "manage.py",
            "import_osm_cameras",
            str(overpass),
        ],
        cwd=ROOT,
        env=bench.env("full"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- Figures ------------------------------------------------------------------------------


def size_figures(measured: dict) -> tuple[list[Figure], list[str]]:
    sizes, export = measured["sizes"], measured["export"]
    endpoint = measured["server"]["endpoint"]
    what = "z/x/y tiles" if endpoint == "tiles" else "bbox answers"
    figures, details = [], [f"cameras endpoint measured: {what}"]
    for viewport in ("1280x800", "2560x1440"):
        entries = {k: v for k, v in sizes.items() if k.startswith(viewport + " ")}
        raw_key = max(entries, key=lambda k: entries[k]["raw"])
        gz_key = max(entries, key=lambda k: entries[k]["gzip"])
        for key, entry in entries.items():
            details.append(
                f"  {key:<16} {entry['requests']:>3} requests  {fmt(entry['raw'], 'B'):>9} raw"
                f"  {fmt(entry['gzip'], 'B'):>9} gzip  ({entry['centre']})"
            )
        figures.append(
            at_most(
                f"cameras {viewport}, largest view raw ({raw_key.split()[1]})",
                entries[raw_key]["raw"],
                100 * KB,
                "B",
                baseline=export["raw"],
                baseline_name="whole file",
            )
        )
        figures.append(
            at_most(
                f"cameras {viewport}, largest view gzip ({gz_key.split()[1]})",
                entries[gz_key]["gzip"],
                30 * KB,
                "B",
                baseline=export["gzip"],
                baseline_name="whole file gz",
            )
        )
    country = max(sizes[f"{v} z4"]["raw"] for v in ("1280x800", "2560x1440"))
    figure = ratio_at_least(
        "whole file / cameras at country zoom (z4)",
        export["raw"],
        country,
        100,
        "B",
        baseline_name="z4 view",
    )
    figures.append(figure)
    return figures, details


def server_figures(server: dict) -> list[Figure]:
    figures = []
    for name, limit in (
        ("cameras warm", 2),
        ("coverage warm", 2),
        ("cameras cold z12", 10),
        ("coverage cold", 10),
        ("cameras cold z4", 10),
        ("camera details", None),
    ):
        if name not in server:
            continue
        entry = server[name]
        value, baseline = median(entry["runs"]), median(entry["baseline_runs"])
        label = f"server time, {name}"
        baseline_name = f"static {fmt(static.size_of(entry['baseline']), 'B')}"
        if limit is None:
            figures.append(
                Figure(label, value, "s", baseline=baseline, baseline_name=baseline_name)
            )
        else:
            figures.append(
                ratio_at_most(label, value, baseline, limit, "s", baseline_name=baseline_name)
            )
    return figures


def served_figures(bench: Bench, measured: dict, seconds: float) -> tuple[list[Figure], str]:
    """Throughput, then the browser (its baseline on the empty database's gunicorn), then
    the exports (last: on a site that builds them per request, slow ones may still be
    running when the load stops), on the full data's gunicorn."""
    paths, server = measured["paths"], measured["server"]
    tile_static = static.nearest(server["tile_body"])
    coverage_static = static.nearest(server["coverage_body"])
    figures = []
    # The empty database's server, for the browser's baseline, idles until then.
    with bench.servers("full", "empty") as (port, empty_port):
        for path in [*paths["warm"], *paths["coverage"], tile_static, coverage_static]:
            fetch(port, path, timeout=120)

        # Each run measures each static baseline once, then the figures compared with it.
        groups = [
            (
                tile_static,
                [
                    ("warm cameras", "warm", 0.5, False),
                    ("panning z12 (cold)", "pan z12", 0.1, True),
                    ("panning z4-8 (cold)", "pan z4-8", 0.1, True),
                ],
            ),
            (coverage_static, [("warm coverage", "coverage", 0.5, False)]),
        ]
        values, baselines = {}, {}
        for run in range(3):
            for number, (baseline_path, group) in enumerate(groups):
                settle(port, baseline_path)
                rate = load.run(port, [baseline_path], seconds).requests_per_second
                baselines.setdefault(number, []).append(rate)
                for name, key, _limit, fresh in group:
                    chosen = paths[key]
                    if fresh:  # split so that no run repeats another's
                        share = len(chosen) // 3
                        chosen = chosen[run * share : (run + 1) * share]
                    rate = load.run(port, chosen, seconds).requests_per_second
                    values.setdefault(name, []).append(rate)
                    settle(port, baseline_path)
        for number, (_baseline_path, group) in enumerate(groups):
            for name, _key, limit, _fresh in group:
                figures.append(
                    ratio_at_least(
                        f"throughput, {name}",
                        median(values[name]),
                        median(baselines[number]),
                        limit,
                        "req/s",
                        baseline_name="static",
                    )
                )
        log("measuring the browser")
        figures.append(browser_figure(bench, {"full": port, "empty": empty_port}))
        log("measuring the exports")
        for path in paths["exports"]:
            name = f"throughput, export {path.rsplit('/', 1)[1]}"
            limit = max(10.0, 30 * bench.scale)
            first = fetch(port, path, timeout=limit)
            # Slower than a run, 8 connections cannot reach 50 req/s: no load, no backlog.
            if first is None or first > seconds:
                note = (
                    f"first request over {limit:g} s"
                    if first is None
                    else f"one request {fmt(first, 's')}"
                )
                figures.append(
                    Figure(name, 0.0, "req/s", target=EXPORT_TARGET, met=False, note=note)
                )
                continue
            runs = []
            for _run in range(3):
                runs.append(load.run(port, [path], seconds).requests_per_second)
                settle(port, tile_static)
            figures.append(at_least(name, median(runs), 50, "req/s"))
    return figures, load.tool()


class LiveWorker:
    """A worker process serving one database's measurements on demand (benchmarks/worker.py's
    serve): `ask(command)` sends one and returns its answer."""

    def __init__(self, bench: Bench, kind: str):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.worker", "serve"],
            cwd=ROOT,
            env=bench.env(kind),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._answer()
        self.map_path, self.memo_seconds = hello["map"], hello["memo_seconds"]

    def _answer(self) -> dict:
        for line in self.process.stdout:
            if line.startswith(WORKER_MARK):
                return json.loads(line.removeprefix(WORKER_MARK))
        raise RuntimeError(f"the worker stopped (exit code {self.process.wait()})")

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


@contextmanager
def live_workers(bench: Bench, *kinds: str):
    workers = [LiveWorker(bench, kind) for kind in kinds]
    try:
        yield workers
    finally:
        for worker in workers:
            worker.close()


def measure_pages(bench: Bench) -> dict:
    """Per page, RUNS runs on the full and the 1/100 data, each run the mean of
    PAGE_REQUESTS requests on each, alternated request by request, with the fewest SQL
    queries seen: a request may also read the map's data version again (every
    MAP_VERSION_MEMO_SECONDS), which is the process's, not the page's."""
    with live_workers(bench, "full", "small") as (full, small):
        result = {}
        for name in full.ask("pages")["pages"]:
            answers = {"full": [], "small": []}
            for _request in range(RUNS * PAGE_REQUESTS):
                answers["full"].append(full.ask(f"page {name}"))
                answers["small"].append(small.ask(f"page {name}"))
            result[name] = {kind: page_runs(answers[kind]) for kind in answers}
        return result


def page_runs(answers: list[dict]) -> dict:
    """One database's answers for a page, in the order asked: its status (the worst), its SQL
    queries (the fewest) and its runs (the mean of each PAGE_REQUESTS answers in a row)."""
    seconds = [answer["seconds"] for answer in answers]
    return {
        "status": max(answer["status"] for answer in answers),
        "queries": min(answer["queries"] for answer in answers),
        "runs": [
            statistics.fmean(seconds[start : start + PAGE_REQUESTS])
            for start in range(0, len(seconds), PAGE_REQUESTS)
        ],
    }


def page_figures(pages: dict) -> list[Figure]:
    figures = []
    for name, measured in pages.items():
        entry, other = measured["full"], measured["small"]
        note = "" if entry["status"] == 200 else f"answered {entry['status']}"
        figures.append(
            Figure(
                f"{name} SQL queries",
                entry["queries"],
                "queries",
                baseline=other["queries"],
                baseline_name="1/100",
                target="same",
                met=entry["queries"] == other["queries"] and entry["status"] == 200,
                note=note,
            )
        )
        figures.append(
            ratio_at_most(
                f"{name} server time",
                median(entry["runs"]),
                median(other["runs"]),
                3,
                "s",
                baseline_name="1/100",
                note=note,
            )
        )
    return figures


BROWSER = "browser: map drawn, full data, after a change"
CHROMIUM = Path("/usr/bin/chromium")


def map_drawn(browser, port: int, path: str) -> float:
    """Seconds from opening the map in a fresh browser profile until it says it is drawn
    (coverage and cameras loaded). Tiles from outside are blocked."""
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base) else route.abort()
            ),
        )
        started = time.perf_counter()
        page.goto(base + path)
        page.wait_for_selector("#map[data-state=ready]", timeout=120_000)
        return time.perf_counter() - started
    finally:
        context.close()


def browser_figure(bench: Bench, ports: dict[str, int]) -> Figure:
    """The map drawn on the full and the empty database's servers in turn, each load right
    after a change to the data handled as the site handles one (as for the cold server
    times: nothing cached before it is served, the pre-building has run), RUNS loads each
    after one uncounted load (a new server's first pages pay for its start)."""
    if not CHROMIUM.exists():
        return Figure(BROWSER, None, "s", target="ratio <= 1.5", met=False, note="no Chromium")
    from playwright.sync_api import sync_playwright

    times = {kind: [] for kind in ports}
    with live_workers(bench, *ports) as workers, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for run in range(RUNS + 1):
                for worker, (kind, port) in zip(workers, ports.items(), strict=True):
                    worker.ask("change")
                    time.sleep(worker.memo_seconds + 0.1)  # until the servers see it
                    seconds = map_drawn(browser, port, worker.map_path)
                    if run:
                        times[kind].append(seconds)
        finally:
            browser.close()
    return ratio_at_most(
        BROWSER, median(times["full"]), median(times["empty"]), 1.5, "s", baseline_name="empty db"
    )


def import_figures(bench: Bench, overpass: Path) -> list[Figure]:
    limit = 180 * bench.scale
    elements = len(json.loads(overpass.read_text())["elements"])
    result = run_import(bench, overpass, limit)
    seconds_name = f"import_osm_cameras, {elements:,} elements"
    note = "" if result["finished"] else "stopped there, unfinished"
    time_figure = at_most(seconds_name, result["seconds"], limit, "s", note=note)
    time_figure.met = time_figure.met and result["finished"]
    memory = at_most("import_osm_cameras, peak memory", result["max_rss_kb"] / 1024, 300, "MB")
    return [time_figure, memory]


def deadline_figures(deadlines: dict) -> list[Figure]:
    return [
        ratio_at_most(
            f"deadline engine, {10 * deadlines['count']:,} due dates",
            median(deadlines["runs"]),
            median(deadlines["baseline_runs"]),
            12,
            "s",
            baseline_name=f"{deadlines['count']:,}",
        )
    ]


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = full size, 0.1 = quick")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--seconds", type=float, default=None, help="per load run")
    args = parser.parse_args()
    scale = args.scale
    # The quick run's load runs are short; wrk counts whole seconds.
    seconds = args.seconds or (5.0 if scale >= 1 else 1.0 if load.tool() == "wrk" else 0.5)
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    bench = Bench(scale, folder)
    figures: list[Figure] = []
    details: list[str] = []
    try:
        redis_flush(bench.redis)
        static.write(folder)
        log(f"databases: {bench.databases.describe()}, folder {folder}")
        bench.template()
        for kind in ("full", "small", "empty"):
            bench.databases.clone("template", kind)
        log("building the full and the 1/100 data")
        with ThreadPoolExecutor(max_workers=2) as builders:  # two processes, two databases
            full_build = builders.submit(bench.worker, "full", "build")
            small_build = builders.submit(
                bench.worker, "small", "build", "--scale", str(scale / 100)
            )
            counts, small_counts = full_build.result(), small_build.result()
        log(f"full: {counts}")
        log(f"1/100: {small_counts}")
        log("measuring in-process")
        overpass = folder / "overpass.json"
        measured = bench.worker("full", "measure", "--overpass", str(overpass))
        size_list, size_details = size_figures(measured)
        figures += size_list
        details += size_details
        figures += server_figures(measured["server"])
        log("measuring the pages")
        figures += page_figures(measure_pages(bench))
        figures += deadline_figures(measured["deadlines"])
        log("measuring throughput")
        served, tool = served_figures(bench, measured, seconds)
        figures += served
        log("measuring the import")
        figures += import_figures(bench, overpass)
    finally:
        if bench.databases.postgres:
            bench.databases.drop_all()
        redis_flush(bench.redis)
        shutil.rmtree(folder, ignore_errors=True)

    elapsed = time.monotonic() - started
    context = {
        "Scale": "full size" if scale >= 1 else f"quick scale ({scale:g} of full size)",
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        **report.machine(),
        "Database": bench.databases.describe() + (", Redis cache" if bench.redis else ", database cache"),
        "Data": ", ".join(f"{v:,} {k}" for k, v in counts.items()),
        "1/100 data": ", ".join(f"{v:,} {k}" for k, v in small_counts.items()),
        "Cameras endpoint": "z/x/y tiles" if measured["server"]["endpoint"] == "tiles" else "bbox (no tile address yet)",
        "Load generator": f"{tool}, {load.CONNECTIONS} connections, {seconds:g} s per run",
        "Whole export, first request": fmt(measured["export"]["first_request_seconds"], "s"),
        "Run time": fmt(elapsed, "s"),
    }  # fmt: skip
    print()
    for key, value in context.items():
        print(f"{key}: {value}")
    print()
    print("\n".join(details))
    print()
    print(report.table(figures))
    kind = "full" if scale >= 1 else "quick"
    output = Path(args.output)
    existing = output.read_text() if output.exists() else ""
    new_section = report.section(
        figures, heading=report.HEADINGS[kind], context=context, details=details
    )
    output.write_text(report.document(existing, kind, new_section))
    print(f"\nWrote {args.output}")
    print(report.summary(figures))


if __name__ == "__main__":
    main()
