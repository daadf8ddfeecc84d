"""Maps fixtures: province boundaries, cameras, a campaign with published findings."""

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from maps_app.models import CameraLocation
from maps_app.services import provinces_load
from requests_app.models import AccessRequest, Finding, PoliceService, Release, StoredFile
from tests.factories import CampaignFactory, PoliceServiceFactory

PROVINCES = Path(settings.BASE_DIR) / "data" / "provinces.geojson"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def _two_provinces(tmp_path_factory):
    data = json.loads(PROVINCES.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["code"] in ("ON", "QC")]
    path = tmp_path_factory.mktemp("geo") / "on_qc.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def provinces(db, _two_provinces):
    """Ontario and Quebec, as `make run` loads them (the full file is slow for every test)."""
    return provinces_load(_two_provinces)


@pytest.fixture
def campaign(db):
    return CampaignFactory()


def _shipped(slug: str, latitude: str, longitude: str) -> PoliceService:
    """A service of the shipped directory, placed at a known point for exact assertions."""
    PoliceService.objects.filter(slug=slug).update(
        latitude=Decimal(latitude), longitude=Decimal(longitude)
    )
    return PoliceService.objects.select_related("regime").get(slug=slug)


@pytest.fixture
def toronto(db):
    return _shipped("toronto-police-service", "43.6532", "-79.3832")


@pytest.fixture
def ottawa(db):
    return _shipped("ottawa-police-service", "45.4215", "-75.6972")


def make_camera(**fields) -> CameraLocation:
    values = {
        "latitude": Decimal("43.6532"),
        "longitude": Decimal("-79.3832"),
        "source": CameraLocation.Source.FIELD,
        "status": CameraLocation.Status.APPROVED,
        "vendor": "flock",
    }
    values.update(fields)
    return CameraLocation.objects.create(**values)


def cameras_to_filter(toronto, latitude: Decimal, longitude: Decimal) -> None:
    """Three cameras that the map's filters tell apart: a Flock camera of Toronto, a Genetec
    camera from OpenStreetMap, and a Genetec camera of a Quebec service at the given point."""
    quebec = PoliceServiceFactory(province="QC", latitude=latitude, longitude=longitude)
    make_camera(vendor="flock", police_service=toronto)
    make_camera(
        vendor="genetec", source="osm", osm_type="node", osm_id=5, latitude=Decimal("43.66")
    )
    make_camera(vendor="genetec", police_service=quebec, latitude=latitude, longitude=longitude)


def make_release(*, campaign, service, volunteer, moderation=Release.Moderation.APPROVED):
    """A filed request with one released file (a tiny CSV kept in storage)."""
    # One request going per target: a second release comes with the same request.
    request, _created = AccessRequest.objects.get_or_create(
        campaign=campaign,
        police_service=service,
        defaults={
            "volunteer": volunteer,
            "regime": service.regime,
            "filed_on": date(2026, 1, 10),
            "received_on": date(2026, 1, 10),
            "status": "full_release",
        },
    )
    data = f"camera,location\n1,{service.name_en}\n".encode()
    digest = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.filter(sha256=digest).first()
    if stored is None:
        stored = StoredFile(sha256=digest, kind="csv", size=len(data), extraction="done")
        stored.file.save(f"test/{digest}.csv", ContentFile(data), save=False)
        stored.save()
    return Release.objects.create(
        request=request,
        stored=stored,
        original_name="cameras.csv",
        received_on=date(2026, 2, 1),
        uploaded_by=volunteer,
        moderation=moderation,
    )


def make_finding(*, release, field, number=None, text="", by):
    request = release.request
    return Finding.objects.create(
        campaign=request.campaign,
        police_service=request.police_service,
        field=field,
        number=number,
        text=text,
        release=release,
        recorded_by=by,
    )
