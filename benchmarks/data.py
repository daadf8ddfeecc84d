"""The benchmark's data: the shipped directory, then synthetic services, volunteers, claims,
requests with their status steps, releases, findings, service areas and cameras, written
with bulk inserts in batches (no per-row save, so no signals and no cache bumps).

At scale 1 (`make bench`): 2,000 police services, 50,000 requests with about 197,000
events, 150,000 approved cameras. Everything is deterministic (one seeded random source).
"""

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from maps_app.geo import simplified_levels
from maps_app.models import CameraLocation, ServiceArea
from maps_app.signals import changed_in_bulk
from requests_app.models import (
    AccessRequest,
    Campaign,
    Claim,
    Finding,
    FindingField,
    PoliceService,
    Release,
    RequestEvent,
    StoredFile,
    TargetActivity,
    User,
    Vendor,
)
from requests_app.models.directory import LATITUDE_RANGE, LONGITUDE_RANGE, search_key
from requests_app.models.requests import Status
from requests_app.roles import organizers_group_sync

BATCH = 5000
FULL = {"services": 2000, "requests": 50_000, "cameras": 150_000}
BENCH_DOMAIN = "bench.invalid"
ORGANIZER_EMAIL = f"organizer@{BENCH_DOMAIN}"
VOLUNTEER_EMAIL = f"volunteer0@{BENCH_DOMAIN}"
PASSWORD = "bench-password-1"

# The stories of requests that are over (a target keeps one open request at most):
# (steps after filing, weight). Averages about 3.9 events per request with the open ones.
CLOSED_STORIES = [
    ([Status.ACKNOWLEDGED, Status.FULL_RELEASE, Status.CLOSED], 30),
    ([Status.ACKNOWLEDGED, Status.PARTIAL_RELEASE, Status.CLOSED], 25),
    ([Status.ACKNOWLEDGED, Status.EXTENDED, Status.REFUSED, Status.CLOSED], 15),
    ([Status.ACKNOWLEDGED, Status.NO_RECORDS, Status.CLOSED], 15),
    ([Status.ABANDONED], 10),
    ([Status.FEE_ESTIMATE, Status.FEE_PAID, Status.PARTIAL_RELEASE, Status.CLOSED], 5),
]
OPEN_STORIES = [
    ([], 20),
    ([Status.ACKNOWLEDGED], 30),
    ([Status.ACKNOWLEDGED, Status.EXTENDED], 10),
    ([Status.ACKNOWLEDGED, Status.PARTIAL_RELEASE], 20),
    ([Status.ACKNOWLEDGED, Status.REFUSED], 10),
    ([Status.ACKNOWLEDGED, Status.FULL_RELEASE], 10),
]
RELEASES = {Status.FULL_RELEASE, Status.PARTIAL_RELEASE}
VENDORS = [v for v in Vendor.values if v != Vendor.OTHER]


@dataclass
class Sizes:
    services: int
    requests: int
    cameras: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        return cls(
            services=max(20, round(FULL["services"] * scale)),
            requests=max(50, round(FULL["requests"] * scale)),
            cameras=max(150, round(FULL["cameras"] * scale)),
        )


def _bulk(model, rows):
    """Insert in batches; returns the rows (with their keys on PostgreSQL and SQLite)."""
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _pick(rng, stories):
    return rng.choices([s for s, _w in stories], weights=[w for _s, w in stories])[0]


def _clip(value, bounds, margin=0.05):
    return min(max(value, bounds[0] + margin), bounds[1] - margin)


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _users(rng, count: int) -> tuple[User, list[User]]:
    password = make_password(PASSWORD)
    organizer = User(
        email=ORGANIZER_EMAIL, password=password, display_name="Bench organizer", is_staff=True
    )
    volunteers = [
        User(email=f"volunteer{i}@{BENCH_DOMAIN}", password=password, display_name=f"Volunteer {i}")
        for i in range(count)
    ]
    _bulk(User, [organizer, *volunteers])
    organizer = User.objects.get(email=ORGANIZER_EMAIL)
    organizers_group_sync().user_set.add(organizer)
    volunteers = list(User.objects.filter(email__startswith="volunteer").order_by("pk"))
    return organizer, volunteers


def _services(rng, wanted: int) -> list[PoliceService]:
    """The shipped services, then synthetic ones near a shipped one of the same province.
    Below the shipped count, the extra shipped services are made inactive."""
    shipped = list(PoliceService.objects.order_by("pk"))
    if wanted < len(shipped):
        keep = {s.pk for s in shipped[:wanted]}
        PoliceService.objects.exclude(pk__in=keep).update(active=False)
    else:
        _bulk(PoliceService, _synthetic(rng, shipped, wanted - len(shipped)))
    return list(
        PoliceService.objects.filter(active=True)
        .select_related("regime")
        .prefetch_related("regime__rule_sets")
        .order_by("pk")
    )


def _synthetic(rng, shipped, count: int) -> list[PoliceService]:
    placed = [s for s in shipped if s.latitude is not None and s.longitude is not None]
    new = []
    for i in range(count):
        near = rng.choice(placed)
        name = f"Bench Police Service {i:05d}"
        city = f"Benchville {i:05d}"
        new.append(
            PoliceService(
                slug=f"bench-police-{i:05d}",
                name_en=name,
                name_fr=f"Service de police du banc {i:05d}",
                kind=PoliceService.Kind.MUNICIPAL,
                province=near.province,
                hq_city=city,
                regime_id=near.regime_id,
                latitude=_decimal(
                    _clip(float(near.latitude) + rng.uniform(-1.5, 1.5), LATITUDE_RANGE)
                ),
                longitude=_decimal(
                    _clip(float(near.longitude) + rng.uniform(-2.5, 2.5), LONGITUDE_RANGE)
                ),
                search_text=search_key(name, city),
            )
        )
    return new


def _areas(services: list[PoliceService]) -> None:
    """A square of about 20 km around each service's headquarters that has no area yet."""
    have = set(ServiceArea.objects.values_list("police_service_id", flat=True))
    rows = []
    for service in services:
        if service.pk in have or service.latitude is None:
            continue
        lat, lon = float(service.latitude), float(service.longitude)
        d = 0.1
        ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
        geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        rows.append(
            ServiceArea(
                police_service=service,
                geometry=geometry,
                simplified=simplified_levels(geometry),
                min_lon=lon - d,
                min_lat=lat - d,
                max_lon=lon + d,
                max_lat=lat + d,
                source="benchmark",
            )
        )
    _bulk(ServiceArea, rows)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _activity(rng, campaign, services, volunteers, organizer, count: int, today: date) -> None:
    """Claims, requests and their steps, releases and findings: `count` requests spread over
    the services, the last of each service's requests still open for most of them."""
    per_service = [[] for _ in services]
    for i in range(count):
        per_service[i % len(services)].append(i)
    start = today - timedelta(days=3 * 365)

    claims, requests, stories = [], [], []
    for index, service in enumerate(services):
        n = len(per_service[index])
        if not n:
            continue
        span = (today - start).days // n
        rule_set = service.regime.rule_set_on(today) if service.regime_id else None
        for k in range(n):
            volunteer = volunteers[(index + k) % len(volunteers)]
            last = k == n - 1
            still_open = last and rng.random() < 0.7
            filed_on = start + timedelta(days=k * span + rng.randrange(max(1, span // 3)))
            if last:
                filed_on = today - timedelta(days=rng.randrange(5, 120))
            steps = _pick(rng, OPEN_STORIES if still_open else CLOSED_STORIES)
            claim = Claim(
                campaign=campaign,
                police_service=service,
                volunteer=volunteer,
                claimed_at=_moment(filed_on - timedelta(days=3)),
                released_at=None if still_open else _moment(filed_on + timedelta(days=60)),
                ending="" if still_open else Claim.Ending.RELEASED,
            )
            status = steps[-1] if steps else Status.FILED
            request = AccessRequest(
                campaign=campaign,
                police_service=service,
                volunteer=volunteer,
                regime=service.regime,
                jurisdiction=service.province,
                filed_on=filed_on,
                received_on=filed_on,
                method="email",
                status=status,
                status_on=filed_on + timedelta(days=10 * len(steps)),
            )
            request.rules_copy(rule_set)
            if request.response_days:
                request.due_on = filed_on + timedelta(days=request.response_days)
            claims.append(claim)
            requests.append(request)
            stories.append(steps)
    _bulk(Claim, claims)
    for claim, request in zip(claims, requests, strict=True):
        request.claim = claim
    _bulk(AccessRequest, requests)

    activity = []
    for claim in claims:
        activity.append(
            TargetActivity(
                campaign=campaign,
                police_service_id=claim.police_service_id,
                claim=claim,
                kind=TargetActivity.Kind.CLAIMED,
                actor_id=claim.volunteer_id,
                subject_id=claim.volunteer_id,
                created_at=claim.claimed_at,
            )
        )
        if claim.released_at:
            activity.append(
                TargetActivity(
                    campaign=campaign,
                    police_service_id=claim.police_service_id,
                    claim=claim,
                    kind=TargetActivity.Kind.RELEASED,
                    actor_id=claim.volunteer_id,
                    subject_id=claim.volunteer_id,
                    created_at=claim.released_at,
                )
            )
    _bulk(TargetActivity, activity)
    del activity

    events, released_by = [], []
    for request, steps in zip(requests, stories, strict=True):
        day = request.filed_on
        events.append(
            RequestEvent(
                request=request,
                status=Status.FILED,
                occurred_on=day,
                logged_by_id=request.volunteer_id,
                logged_at=_moment(day),
            )
        )
        for step in steps:
            day += timedelta(days=10)
            event = RequestEvent(
                request=request,
                status=step,
                occurred_on=day,
                logged_by_id=request.volunteer_id,
                logged_at=_moment(day),
                extension_days=30 if step == Status.EXTENDED else None,
            )
            events.append(event)
            if step in RELEASES:
                released_by.append(event)
    _bulk(RequestEvent, events)
    del events
    _releases_and_findings(rng, campaign, released_by, organizer)


def _releases_and_findings(rng, campaign, release_events, organizer) -> None:
    stored = []
    for event in release_events:
        digest = hashlib.sha256(f"bench-release-{event.pk}".encode()).hexdigest()
        stored.append(
            StoredFile(
                sha256=digest,
                file=f"releases/bench/{digest}.pdf",
                kind="pdf",
                size=250_000,
                page_count=12,
                text="Automated licence plate reader deployment (benchmark record)",
                extraction=StoredFile.Extraction.DONE,
            )
        )
    _bulk(StoredFile, stored)
    releases = [
        Release(
            request_id=event.request_id,
            event=event,
            stored=file,
            original_name=f"release-{event.pk}.pdf",
            title=f"ALPR records, release {event.pk}",
            received_on=event.occurred_on,
            uploaded_by_id=event.logged_by_id,
            moderation=Release.Moderation.APPROVED
            if rng.random() < 0.9
            else Release.Moderation.PENDING,
        )
        for event, file in zip(release_events, stored, strict=True)
    ]
    _bulk(Release, releases)

    # One finding per fact per target, citing the target's latest approved release.
    latest: dict[int, Release] = {}
    service_of = dict(
        AccessRequest.objects.filter(campaign=campaign).values_list("pk", "police_service_id")
    )
    for release in releases:
        if release.moderation == Release.Moderation.APPROVED:
            latest[service_of[release.request_id]] = release
    findings = []
    for service_id, release in latest.items():
        for field in FindingField:
            if rng.random() < 0.3:
                continue
            findings.append(_finding(rng, campaign, service_id, field, release, organizer))
    _bulk(Finding, findings)


def _finding(rng, campaign, service_id, field, release, organizer) -> Finding:
    finding = Finding(
        campaign=campaign,
        police_service_id=service_id,
        field=field,
        release=release,
        page=rng.randint(1, 12),
        recorded_by=organizer,
    )
    if field in (
        FindingField.FIXED_CAMERAS,
        FindingField.MOBILE_UNITS,
        FindingField.RETENTION_HITS_DAYS,
        FindingField.RETENTION_NON_HITS_DAYS,
        FindingField.CONTRACT_VALUE,
    ):
        finding.number = Decimal(rng.randint(1, 500))
    elif field in (FindingField.CONTRACT_START, FindingField.CONTRACT_END):
        finding.day = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
    elif field == FindingField.VENDORS:
        finding.text = rng.choice(VENDORS)
    elif field == FindingField.SHARING_PARTNERS:
        finding.text = "Neighbouring services; provincial ministry"
    else:
        finding.text = rng.choice(["yes", "no", "unknown"])
    return finding


def camera_points(rng, services, count: int):
    """(latitude, longitude, service) for `count` cameras: most in clusters around the
    services' headquarters (a city's cameras), the rest spread along the southern band."""
    placed = [s for s in services if s.latitude is not None]
    for i in range(count):
        if i % 10 < 8:
            service = placed[i % len(placed)]
            radius = 0.02 + 0.1 * rng.random()
            angle = rng.random() * 2 * math.pi
            lat = float(service.latitude) + radius * math.sin(angle)
            lon = float(service.longitude) + radius * math.cos(angle) * 1.5
        else:
            service = None
            lat, lon = rng.uniform(42.5, 55.0), rng.uniform(-128.0, -60.0)
        yield _clip(lat, LATITUDE_RANGE), _clip(lon, LONGITUDE_RANGE), service


def _cameras(rng, services, count: int, organizer) -> None:
    batch = []
    for lat, lon, service in camera_points(rng, services, count):
        batch.append(
            CameraLocation(
                latitude=_decimal(lat),
                longitude=_decimal(lon),
                directions=[rng.randrange(0, 360, 15) for _ in range(rng.randint(0, 2))],
                kind=CameraLocation.Kind.FIXED,
                vendor=rng.choice(VENDORS),
                mount=CameraLocation.Mount.POLE,
                police_service=service,
                source=rng.choice([CameraLocation.Source.FIELD, CameraLocation.Source.COUNCIL]),
                confidence=CameraLocation.Confidence.LIKELY,
                status=CameraLocation.Status.APPROVED,
                submitted_by=organizer,
            )
        )
        if len(batch) == BATCH:
            _bulk(CameraLocation, batch)
            batch = []
    _bulk(CameraLocation, batch)


@transaction.atomic
def generate(sizes: Sizes, *, seed: int = 18) -> dict:
    """Fill a migrated database that holds the shipped reference data. Returns the counts."""
    rng = random.Random(seed)
    today = timezone.localdate()
    campaign = Campaign.objects.order_by("pk").first()
    services = _services(rng, sizes.services)
    organizer, volunteers = _users(rng, max(5, len(services) // 4))
    _areas(services)
    _activity(rng, campaign, services, volunteers, organizer, sizes.requests, today)
    _cameras(rng, services, sizes.cameras, organizer)
    return {
        "services": len(services),
        "requests": AccessRequest.objects.count(),
        "events": RequestEvent.objects.count(),
        "claims": Claim.objects.count(),
        "releases": Release.objects.count(),
        "findings": Finding.objects.count(),
        "cameras": CameraLocation.objects.count(),
    }


def announce_change() -> None:
    """After the bulk load, what any edit does: one camera saved, so the site's signals run
    (the map's data version is bumped, and whatever the site builds when its data changes
    is built, as it would be after a real import)."""
    camera = CameraLocation.objects.order_by("pk").first()
    if camera:
        camera.save()


def announce_request_change() -> None:
    """The campaign's most common edit, a request saved: the map's data version moves (every
    cached tile and coverage body is stale) and the pre-building runs; the cameras, so
    their grid and exports, stay as they are. The empty database, without a request to save,
    says the same as a bulk change would."""
    request = AccessRequest.objects.order_by("pk").first()
    if request is None:
        changed_in_bulk(AccessRequest)
    else:
        request.save()


def overpass_file(path, count: int, *, seed: int = 150) -> None:
    """An Overpass JSON export of `count` ALPR nodes, around the services' headquarters."""
    import json

    rng = random.Random(seed)
    services = list(PoliceService.objects.filter(active=True, latitude__isnull=False))
    manufacturers = ["Flock Safety", "Genetec", "Motorola Solutions", "Neology"]
    elements = []
    for i, (lat, lon, _service) in enumerate(camera_points(rng, services, count)):
        elements.append(
            {
                "type": "node",
                "id": 9_000_000_000 + i,
                "lat": round(lat, 7),
                "lon": round(lon, 7),
                "tags": {
                    "man_made": "surveillance",
                    "surveillance:type": "ALPR",
                    "surveillance": "public",
                    "surveillance:zone": "traffic",
                    "manufacturer": rng.choice(manufacturers),
                    "direction": str(rng.randrange(0, 360, 15)),
                },
            }
        )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"version": 0.6, "generator": "campaign benchmark", "elements": elements}, handle)
