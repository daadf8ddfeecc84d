"""Running the same write from several people at once, each thread on its own database
connection (PostgreSQL; SQLite serializes writers, so a race cannot happen there)."""

import threading

from django.db import connections

from .services import need_postgresql


def at_once(calls, refusals: tuple[type[Exception], ...]) -> list[str]:
    """Start every call at the same moment; return what each gave: "done", the message of a
    refusal, or "error: ..." for anything else (a server error)."""
    need_postgresql()
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        barrier.wait()
        try:
            call()
            outcomes.append("done")
        except refusals as refusal:
            outcomes.append(str(refusal))
        except Exception as error:
            outcomes.append(f"error: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
