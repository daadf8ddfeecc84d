"""The static files the map endpoints are compared with: JSON of 1 KB to 8 MB, compressible
like the map's answers, each with the gzipped copy WhiteNoise serves to clients that accept
it. Written before the site starts (WhiteNoise lists its files once)."""

import gzip
import math
import random
from pathlib import Path

SIZES = [1000 * 2**k for k in range(14)]
FEATURE = (
    '{{"type":"Feature","id":{i},"geometry":{{"type":"Point","coordinates":[{x:.5f},{y:.5f}]}},'
    '"properties":{{"v":"flock","d":[{d}]}}}},'
)


def path(size: int) -> str:
    return f"/static/bench/size-{size}.json"


def nearest(size: float) -> str:
    """The baseline file closest in size (on a log scale) to an answer of `size` bytes."""
    best = min(SIZES, key=lambda s: abs(math.log(s) - math.log(max(size, 1))))
    return path(best)


def size_of(static_path: str) -> int:
    return int(static_path.rsplit("-", 1)[1].split(".")[0])


def write(folder: Path) -> None:
    (folder / "staticfiles").mkdir(exist_ok=True)  # STATIC_ROOT, empty: finders serve
    target = folder / "static" / "bench"
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    chunk = "".join(
        FEATURE.format(i=i, x=rng.uniform(-128, -60), y=rng.uniform(42, 55), d=rng.randrange(360))
        for i in range(60_000)
    ).encode()
    for size in SIZES:
        body = (chunk * (size // len(chunk) + 1))[:size]
        (target / f"size-{size}.json").write_bytes(body)
        (target / f"size-{size}.json.gz").write_bytes(gzip.compress(body, compresslevel=6))
