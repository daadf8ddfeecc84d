"""Load on 127.0.0.1, bounded in time: wrk when it is installed, else a keep-alive Python
load generator with threads. Both cycle through a list of paths, so that panning can ask
for tiles never asked for before."""

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CONNECTIONS = 8
SECONDS = 5

# wrk takes the next path from the list on each request; every thread walks its own share.
WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
init = function(args)
  counter = offset * math.floor(#paths / %(threads)d)
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH non2xx=%%d\\n", summary.errors.status))
end
"""


@dataclass
class Load:
    requests_per_second: float
    errors: int
    tool: str


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run(port: int, paths: list[str], seconds: float = SECONDS) -> Load:
    if tool() == "wrk":
        return _wrk(port, paths, seconds)
    return _python(port, paths, seconds)


def _wrk(port: int, paths: list[str], seconds: float) -> Load:
    threads = 2
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % {"paths": listing, "threads": threads})
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{CONNECTIONS}",
                f"-d{seconds:g}s",
                "--timeout",
                f"{seconds:g}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"BENCH non2xx=(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (
        int(socket_errors.group(1)) if socket_errors else 0
    )
    completed = float(rate.group(1)) if rate else 0.0
    # Error answers are not throughput.
    total = re.search(r"(\d+) requests in", out)
    if total and int(total.group(1)):
        completed *= max(0, int(total.group(1)) - errors) / int(total.group(1))
    return Load(completed, errors, "wrk")


def _python(port: int, paths: list[str], seconds: float) -> Load:
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0, "next": 0}

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
        while time.monotonic() < deadline:
            with lock:
                path = paths[counts["next"] % len(paths)]
                counts["next"] += 1
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            with lock:
                counts["ok" if ok else "errors"] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return Load(counts["ok"] / elapsed, counts["errors"], "python (8 keep-alive threads)")
