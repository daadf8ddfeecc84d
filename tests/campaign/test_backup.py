"""Backups: bin/backup dumps a campaign's database and media, bin/restore brings them back
into a new database and media folder, and nothing is lost (README.md, "Backups").

PostgreSQL only (pg_dump): skipped on the embedded SQLite, required in the services run."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from requests_app.models import Status
from requests_app.services.claims import claim_create
from requests_app.services.releases import finding_record, release_decide, release_upload
from requests_app.services.requests import request_file, request_status_record
from tests import documents
from tests.conftest import REQUIRE_SERVICES
from tests.factories import CampaignFactory, PoliceServiceFactory

ROOT = Path(__file__).resolve().parents[2]
TORONTO = ZoneInfo("America/Toronto")
SHELL = ["python", "manage.py", "shell", "--no-imports"]

# What must come back, read by the site's own code in a process of its own.
SNAPSHOT = """
import hashlib, json
from django.apps import apps
from requests_app.models import AccessRequest, Finding, Release
request = AccessRequest.objects.get(police_service__slug="backup-town-police-service")
release = Release.objects.get(request=request)
finding = Finding.objects.get(release=release)
with release.stored.file.open("rb") as stored:
    content = stored.read()
print(json.dumps({
    "rows": {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models() if model._meta.managed and not model._meta.proxy
    },
    "campaign": request.campaign.slug,
    "volunteer": request.volunteer.email,
    "claimed_by": request.claim.volunteer.email if request.claim_id else None,
    "steps": [event.status for event in request.events.order_by("pk")],
    "release": [release.title, release.original_name, release.moderation],
    "file_sha256": hashlib.sha256(content).hexdigest(),
    "text": release.stored.text,
    "finding": [finding.field, str(finding.number), finding.page, finding.revisions.count()],
}, sort_keys=True))
"""


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("backups are made with pg_dump: PostgreSQL only")
    missing = [tool for tool in ("pg_dump", "pg_restore", "tar") if not shutil.which(tool)]
    if missing:
        message = f"{', '.join(missing)} not installed"
        pytest.fail(message) if REQUIRE_SERVICES else pytest.skip(message)


def _database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{name}"


def run(args, *, database: str, media: Path, stdin: str | None = None) -> str:
    """Run a command as an operator would, on the given database and media folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "DJANGO_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="campaign.settings",
        ENV_FILE="",
        DEBUG="true",
        DATABASE_URL=_database_url(database),
        MEDIA_ROOT=str(media),
        # bin/ scripts call `python`: this test's own.
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    result = subprocess.run(
        args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_holds_the_whole_campaign(
    postgres, restored_database, alice, olivia, settings, tmp_path
):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    # The release's text is extracted here, where its file is (a worker would not see it).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    content = documents.pdf(["Contract with Flock Safety", "Retention of hits: 30 days"])
    campaign = CampaignFactory(slug="backup-campaign", name="Backup campaign")
    service = PoliceServiceFactory(name_en="Backup Town Police Service")
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=TORONTO), tick=False):
        claim_create(campaign=campaign, service=service, volunteer=alice)
        request = request_file(
            campaign=campaign, service=service, volunteer=alice, filed_on=date(2026, 11, 2)
        )
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=TORONTO), tick=False):
        step = request_status_record(
            request=request, status=Status.FULL_RELEASE, occurred_on=date(2026, 11, 20), by=alice
        )
        release = release_upload(
            request=request,
            by=alice,
            upload=SimpleUploadedFile("Contract, signed by J. Smith.pdf", content),
            received_on=date(2026, 11, 20),
            event=step,
            title="ALPR contract",
        )
        release_decide(release=release, by=olivia, decision="approved")
        finding_record(
            release=release, field="retention_hits_days", raw_value="30", page=2, by=alice
        )
    source = connection.settings_dict["NAME"]
    before = json.loads(run(SHELL, database=source, media=media, stdin=SNAPSHOT))
    assert before["steps"] == ["filed", "full_release"]
    assert before["file_sha256"] == hashlib.sha256(content).hexdigest()

    folder = tmp_path / "backups" / "today"
    printed = run(["bin/backup", str(folder)], database=source, media=media)
    assert printed.strip() == str(folder)
    assert sorted(path.name for path in folder.iterdir()) == ["database.dump", "media.tar.gz"]

    new_media = tmp_path / "restored-media"
    run(["bin/restore", str(folder)], database=restored_database, media=new_media)
    after = json.loads(
        run(
            SHELL,
            database=restored_database,
            media=new_media,
            stdin=SNAPSHOT,
        )
    )
    assert after == before
    assert after["release"] == ["ALPR contract", "Contract, signed by J. Smith.pdf", "approved"]
    assert after["finding"] == ["retention_hits_days", "30.00", 2, 1]
    assert after["volunteer"] == "alice@example.org"
    assert "Retention of hits: 30 days" in after["text"]
    # The file came back from the archive, not from the old folder.
    assert (new_media / "releases").is_dir()


def test_backup_refuses_the_embedded_sqlite_database(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(ENV_FILE="", DEBUG="true", DJANGO_SETTINGS_MODULE="campaign.settings")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        ["bin/backup", str(tmp_path / "b")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr
    assert not (tmp_path / "b").exists()
