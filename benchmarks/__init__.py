"""The project's benchmark (issue 18): `make bench` and `make bench-quick`.

It builds its own databases with bulk inserts, measures the map endpoints, the exports,
the pages, the OpenStreetMap import, the deadline engine and the map in a headless browser,
each against a baseline measured in the same run, and writes docs/benchmarks.md.
"""

# Each figure is the median of this many runs.
RUNS = 3

# How a serving worker (benchmarks/worker.py's serve) marks its answers on standard output:
# other lines are not its.
WORKER_MARK = "bench-worker "
