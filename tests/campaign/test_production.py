"""Production runs the scripts in bin/: docker-compose.yml, the Dockerfile and CI's
production check (.ci/prod-check, step 4 of .ci/run) all name the same ones, so what CI
checks without Docker is what the compose file starts."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# The services built from this repository (the others are PostgreSQL's and Redis's images).
OURS = {name: service for name, service in SERVICES.items() if "build" in service}
PROD_CHECK = (ROOT / ".ci" / "prod-check").read_text()


def test_each_of_our_services_runs_its_bin_script():
    assert set(OURS) == {"web", "worker", "beat"}
    for name, service in OURS.items():
        assert service["command"] == f"bin/{name}", name
        script = ROOT / "bin" / name
        assert script.read_text().startswith("#!/bin/sh\n"), name
        assert os.access(script, os.X_OK), f"bin/{name} is not executable"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_the_bin_scripts_are_posix_sh(name):
    # Debian's sh is dash: this fails on bash-only syntax.
    subprocess.run(["sh", "-n", str(ROOT / "bin" / name)], check=True)


def test_the_image_serves_the_site_with_bin_web():
    dockerfile = (ROOT / "Dockerfile").read_text()
    (cmd,) = re.findall(r"^CMD (.+)$", dockerfile, re.MULTILINE)
    assert json.loads(cmd) == ["bin/web"]
    # Static files are collected when bin/web starts, with the site's real settings.
    assert "collectstatic" not in dockerfile


def test_bin_web_prepares_the_site_then_serves_it_with_gunicorn():
    lines = [
        line
        for line in (ROOT / "bin" / "web").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    commands = [line for line in lines if line.startswith(("python", "exec"))]
    assert commands[:3] == [
        "python manage.py migrate --noinput",
        "python manage.py load_reference_data",
        # WhiteNoise serves the collected files (hashed names) when DEBUG is off.
        "python manage.py collectstatic --noinput --verbosity 0",
    ]
    assert commands[3].startswith("exec gunicorn campaign.wsgi:application")
    assert '"${WEB_BIND:-0.0.0.0:8000}"' in commands[3]


def test_the_healthchecks_ask_the_running_processes():
    web = SERVICES["web"]
    assert web["ports"] == ["${PORT:-8000}:8000"]  # the port bin/web binds by default
    assert web["healthcheck"]["test"][-1] == "http://127.0.0.1:8000/healthz"
    assert "inspect ping" in SERVICES["worker"]["healthcheck"]["test"][-1]
    for name in ("db", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_ci_checks_the_same_scripts_the_compose_file_runs():
    assert "\n.ci/prod-check || status=$?\n" in (ROOT / ".ci" / "run").read_text()
    started = set(re.findall(r"^bin/(\w+)\b", PROD_CHECK, re.MULTILINE))
    assert started == set(OURS)
    # ... with DEBUG off and /healthz, a page and a map endpoint checked.
    assert "export DEBUG=false" in PROD_CHECK
    for path in ("get /healthz 200", "get / 200", "get /api/map/coverage.geojson 200"):
        assert path in PROD_CHECK
