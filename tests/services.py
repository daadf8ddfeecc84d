"""Real services a fault test starts and stops itself: a Redis server on its own port, the
site's Celery app pointed at it, a Celery worker process. With REQUIRE_SERVICES=1 (CI's
services run) a missing service fails the test; elsewhere the test is skipped, saying why."""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.db import connection

from campaign.celery import app

from .conftest import REQUIRE_SERVICES


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def need_postgresql() -> None:
    need(connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """`redis-server` on a free port, keeping nothing on disk."""

    def __init__(self, tmp_path):
        need(shutil.which("redis-server") is not None, "redis-server is not installed")
        self.port = free_port()
        self.folder = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


@contextmanager
def celery_broker(url: str):
    """The site's Celery app sends its tasks to this broker, for a worker, instead of running
    them in-process. (Celery reads Django's settings lazily but keeps what is set on it, and
    its connection pools: both are dropped afterwards, so later tests see the settings.)"""
    conf = app.conf

    def drop_pools():
        app._pool = None
        app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    drop_pools()
    try:
        yield
    finally:
        conf.changes.pop("broker_url", None)
        conf.changes.pop("task_always_eager", None)
        drop_pools()


@contextmanager
def tasks_in_process(settings):
    """Tasks run here, as without Redis, rather than on the services run's worker (which
    cannot see a test's rows); `settings` is pytest-django's fixture."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.changes.pop("task_always_eager", None)


class Worker:
    """A `celery worker` process (one process, no pool) on this broker and the test database,
    sending e-mail into a folder."""

    def __init__(self, broker_url: str, mail_folder, media_root, log_path):
        database = settings.DATABASES["default"]
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "ENV_FILE": "",
            "REDIS_URL": broker_url,
            "DATABASE_URL": (
                f"postgres://{database['USER']}{password}@{database['HOST'] or 'localhost'}"
                f":{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "EMAIL_URL": f"filemail:///{mail_folder}",
            "MEDIA_ROOT": str(media_root),
            # A task a killed worker held is given to the next worker at once.
            "TASK_VISIBILITY_SECONDS": "1",
        }
        self.log_path = log_path
        self.process = None

    def start(self) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in kill)
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "campaign", "worker", "--pool=solo"),
                *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            env=self.env,
            cwd=settings.BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while " ready." not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{self.output()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no acknowledgement, as when a machine dies."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")
