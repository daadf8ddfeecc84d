"""Figures, targets and the report: the terminal table and docs/benchmarks.md."""

import os
import platform
import statistics
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured figure against its baseline. `target` reads "ratio <= 2" and the like;
    `met` is None for a figure shown without a target. `value` None: not measured (then a
    target counts as missed, and `note` says why)."""

    name: str
    value: float | None
    unit: str = ""
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    details: list = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def median(values) -> float:
    return statistics.median(values)


def at_most(name, value, limit, unit, *, baseline=None, baseline_name="", note="") -> Figure:
    """A figure that must stay at or under a fixed limit."""
    return Figure(
        name,
        value,
        unit,
        baseline=baseline,
        baseline_name=baseline_name,
        target=f"<= {fmt(limit, unit)}",
        met=value is not None and value <= limit,
        note=note,
    )


def at_least(name, value, limit, unit, *, baseline=None, baseline_name="", note="") -> Figure:
    return Figure(
        name,
        value,
        unit,
        baseline=baseline,
        baseline_name=baseline_name,
        target=f">= {fmt(limit, unit)}",
        met=value is not None and value >= limit,
        note=note,
    )


def ratio_at_most(name, value, baseline, limit, unit, *, baseline_name="", note="") -> Figure:
    """value / baseline must stay at or under `limit` (e.g. within 2x a static file)."""
    figure = Figure(name, value, unit, baseline=baseline, baseline_name=baseline_name, note=note)
    figure.target = f"ratio <= {limit:g}"
    figure.met = figure.ratio is not None and figure.ratio <= limit
    return figure


def ratio_at_least(name, value, baseline, limit, unit, *, baseline_name="", note="") -> Figure:
    figure = Figure(name, value, unit, baseline=baseline, baseline_name=baseline_name, note=note)
    figure.target = f"ratio >= {limit:g}"
    figure.met = figure.ratio is not None and figure.ratio >= limit
    return figure


def fmt(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        for size, suffix in ((1_000_000, "MB"), (1_000, "KB")):
            if value >= size:
                return f"{value / size:.1f} {suffix}"
        return f"{value:.0f} B"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "req/s":
        return f"{value:.1f} req/s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "queries":
        return f"{value:.0f} queries"
    return f"{value:g} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if ratio < 0.1:
        return f"1/{1 / ratio:.0f}"
    return f"{ratio:.2f}x" if ratio < 100 else f"{ratio:.0f}x"


def verdict(figure: Figure) -> str:
    if figure.met is None:
        return ""
    return "met" if figure.met else "MISSED"


def rows(figures: list[Figure]) -> list[list[str]]:
    return [
        [
            f.name,
            (fmt(f.value, f.unit) if f.value is not None else "not run")
            + (f" ({f.note})" if f.note else ""),
            (f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline_name else "")
            if f.baseline is not None
            else "",
            fmt_ratio(f.ratio),
            f.target,
            verdict(f),
        ]
        for f in figures
    ]


HEADER = ["figure", "baseline", "ratio", "target", "met/MISSED"]


def table(figures: list[Figure]) -> str:
    """The terminal table: figure  baseline  ratio  target  met/MISSED."""
    body = rows(figures)
    lines = [["", *HEADER], *body]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for line in lines:
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    return "\n".join(text.rstrip() for text in out)


def summary(figures: list[Figure]) -> str:
    """The last line of the run."""
    targets = [f for f in figures if f.met is not None]
    met = sum(1 for f in targets if f.met)
    return f"bench: {met} of {len(targets)} targets met"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": memory,
        "Python": platform.python_version(),
        "OS": platform.platform(terse=True),
    }


INTRO = """\
# Benchmarks

Written by `make bench` (full size) or `make bench-quick` (one tenth) from
`benchmarks/`; issue 18 sets the targets. When a target is missed, the code is fixed, never
the target.

## Method

- **Data.** The benchmark builds its own databases (SQLite files in a temporary folder, or
  `<name>_bench_*` PostgreSQL databases next to `DATABASE_URL`, dropped at the end; Redis
  from `REDIS_URL` on its own db number) and never touches the site's. It loads the shipped
  directory with `load_reference_data`, then adds synthetic police services, volunteers,
  claims, requests with their status steps, approved releases, findings, service areas and
  approved cameras with bulk inserts (`benchmarks/data.py`), then saves one camera, as any
  edit would, so that whatever the site does when its data changes is done. Full size:
  2,000 services, 50,000 requests with about 197,000 events, 150,000 cameras. The small database for the
  page comparison is 1/100 of that (its extra shipped services are made inactive), the
  empty one has only the shipped reference data.
- **Runs.** Each figure is the median of 3 runs; each run measures its baseline too.
- **Sizes.** The camera answers a viewport needs (1280x800 and 2560x1440) at every zoom
  from 3 to 18, centred on the densest cluster of cameras and, up to zoom 6, on the middle
  of the country: the sum of the z/x/y tiles the viewport touches (or one bounding-box
  answer where the site has no tiles yet), raw and gzipped. The largest over the zooms is
  the figure. The baseline is the whole-file export (`/map/cameras.geojson`).
- **Server time** is measured in-process with Django's test client (every middleware,
  the cache, the database; no network), against WhiteNoise serving a static file of
  similar size in the same process. Warm: answered before. Cold: right after a change to
  the data, handled as the site handles one (a camera saved: the data version moves and
  the map's pre-building task runs, as a worker runs it within seconds); for the cameras,
  also views never asked for, as when panning (at zoom 12, and at zoom 4).
- **Throughput** is measured on 127.0.0.1 against gunicorn (2 workers, 4 threads each)
  running the site with these settings, with `wrk` for 5 seconds per run, 1 in the quick
  run (or, without
  `wrk`, a keep-alive Python load generator with 8 threads, said in the table). Panning
  asks for tiles never asked for before, each once. Before each run the benchmark waits
  until the server answers a static file at once again, so that requests a slow run left
  running do not weigh on the next one. Each export is asked for once first
  (that first answer may build it; slower than 30 s at full size, 10 s in the quick run,
  it counts as 0 req/s, and so does a first answer slower than one load run), then
  loaded like the rest.
- **Pages** are timed warm in-process, as the organizer for `/dashboard/` and as a
  volunteer with claims for `/me/`, with their SQL query count (the fewest seen: a request
  may also read the map's data version again, once a second, which is the process's query,
  not the page's). The full and the 1/100 data are each served by a worker process of their
  own, and their requests alternate (full, 1/100, full, ...): this machine's speed changes
  by a third from one second to the next, and measured one after the other, minutes apart,
  the ratio followed the machine rather than the code. A run is the mean of 3 requests of
  each.
- **The import** runs `manage.py import_osm_cameras` in a subprocess on a generated
  Overpass file, bounded in time (3 minutes at full size, scaled), with its peak memory
  (max RSS).
- **The deadline engine** computes due dates (with extensions and fee pauses) for N and
  10N requests, once the rules and the holiday tables of every year they meet are loaded.
- **The browser** is the system Chromium through Playwright: the time from opening
  `/map/` in a fresh browser profile until the map says it is drawn
  (`#map[data-state=ready]`: coverage and cameras loaded), right after a change to the data
  handled as the site handles one (as for the cold server times: the data version moves, so
  nothing cached before is served, and the pre-building runs), against the same on the
  empty database's server; the two loads alternate, one uncounted load each first. Tiles
  from outside are blocked.
"""


# One section per scale in docs/benchmarks.md: a run replaces its own and keeps the other.
HEADINGS = {
    "full": "## Last full-size run (`make bench`)",
    "quick": "## Last quick run (`make bench-quick`, one tenth of the size)",
}


def section(figures: list[Figure], *, heading: str, context: dict, details: list[str]) -> str:
    lines = [heading, ""]
    for key, value in context.items():
        lines.append(f"- **{key}:** {value}")
    lines += [
        "",
        "| figure | measured | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows(figures):
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    lines += ["", f"**{summary(figures)}**", ""]
    if details:
        lines += ["### Details", "", "```", *details, "```", ""]
    return "\n".join(lines)


def document(existing: str, kind: str, new_section: str) -> str:
    """docs/benchmarks.md with the method, this run's section, and the other scale's last
    section as it was."""
    sections = {kind: new_section}
    for other, heading in HEADINGS.items():
        if other == kind or heading not in existing:
            continue
        start = existing.index(heading)
        ends = [existing.index(h) for h in HEADINGS.values() if h in existing]
        end = min([e for e in ends if e > start], default=len(existing))
        sections[other] = existing[start:end].rstrip() + "\n"
    return INTRO + "\n" + "\n".join(sections[k] for k in HEADINGS if k in sections)
