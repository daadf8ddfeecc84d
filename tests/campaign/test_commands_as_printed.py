"""The commands the README and `make run` print work as printed on a fresh clone."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_local_env_file_lets_the_printed_commands_run_without_other_settings(tmp_path):
    env_file = tmp_path / ".env"
    made = subprocess.run(
        ["make", "-s", f"ENV_FILE={env_file}", str(env_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert "DEBUG=true" in env_file.read_text()
    # A new terminal: nothing but the file says DEBUG or SECRET_KEY.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    environment["ENV_FILE"] = str(env_file)
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_reference_data"],
        ["due_date", "ON-MFIPPA", "2026-11-02"],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "make_organizer", "nobody@example.org"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    # It got as far as looking the account up: the settings loaded.
    assert "SECRET_KEY" not in result.stderr
    assert "nobody@example.org" in result.stderr


def test_production_still_refuses_to_start_without_a_secret_key(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update(ENV_FILE="", DJANGO_SETTINGS_MODULE="campaign.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
