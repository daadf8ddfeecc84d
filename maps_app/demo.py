"""A clearly fictional campaign so a newcomer sees a living map, dashboard and statistics:
`manage.py load_demo`.

Everything made here is findable again, and only that: demo volunteers have addresses at
@demo.invalid (a domain that cannot exist), the campaign's slug is "demo-alpr" and its name
starts with "[Demo]", released files live under releases/demo/, and demo cameras are
submitted by demo volunteers. `load_demo --remove` deletes exactly those (and what hangs on the demo's
requests: appeals, comments, calls for help, watches), children first, with queryset deletes
(several models are append-only and refuse instance deletes).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from requests_app.models import (
    AccessRequest,
    Appeal,
    AppealEvent,
    AppealGround,
    Campaign,
    Claim,
    ClaimHelper,
    Comment,
    Finding,
    FindingField,
    FindingRevision,
    HelpWanted,
    Notification,
    PoliceService,
    Release,
    ReleaseDecision,
    RequestEvent,
    StoredFile,
    TargetActivity,
    User,
    Visibility,
    Watch,
)
from requests_app.models.appeals import Stage
from requests_app.models.requests import Status
from requests_app.services.appeals import Ground, appeal_open, appeal_stage_record
from requests_app.services.coordination import help_wanted_open
from requests_app.services.requests import request_file, request_status_record

from .models import CameraLocation, CameraRevision, ProvinceBoundary
from .services import provinces_load, revision_record

DEMO_DOMAIN = "demo.invalid"
DEMO_SLUG = "demo-alpr"
DEMO_FILES = "demo/"
VOLUNTEERS = ["Demo Avery", "Demo Blake", "Demo Casey", "Demo Devi", "Demo Emile", "Demo Farah"]


class DemoError(Exception):
    pass


@dataclass
class DemoReport:
    volunteers: int = 0
    claims: int = 0
    requests: int = 0
    releases: int = 0
    findings: int = 0
    cameras: int = 0
    appeals: int = 0
    comments: int = 0
    help_wanted: int = 0
    removed: dict = field(default_factory=dict)


def _demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def is_loaded() -> bool:
    return Campaign.objects.filter(slug=DEMO_SLUG).exists()


def real_activity() -> list[str]:
    """What in the database is not demo data and shows a campaign at work."""
    demo_campaign = Q(campaign__slug=DEMO_SLUG)
    found = []
    if Claim.objects.exclude(demo_campaign).exists():
        found.append("claims")
    if AccessRequest.objects.exclude(demo_campaign).exists():
        found.append("requests")
    if Release.objects.exclude(request__campaign__slug=DEMO_SLUG).exists():
        found.append("releases")
    if CameraLocation.objects.exclude(submitted_by__email__endswith=f"@{DEMO_DOMAIN}").exists():
        found.append("cameras")
    return found


# Which targets get which story: (status, how many).
PLAN = [
    ("released", 6),
    ("overdue", 4),
    ("filed", 5),
    ("refused", 2),
    ("claimed", 4),
]
VENDORS = ["flock", "genetec", "motorola", "flock", "genetec", "neology"]


def _candidates(today: date) -> list[PoliceService]:
    """Local services whose law has a confirmed time limit, spread over provinces."""
    services = (
        PoliceService.objects.filter(
            active=True,
            kind__in=[PoliceService.Kind.MUNICIPAL, PoliceService.Kind.REGIONAL],
            province__in=["ON", "BC", "QC", "AB", "MB", "NS"],
        )
        .select_related("regime")
        .prefetch_related("regime__rule_sets")
        .order_by("slug")
    )
    picked = []
    for service in services:
        rule_set = service.regime.rule_set_on(today - timedelta(days=200))
        if rule_set and rule_set.response_days and rule_set.day_kind:
            picked.append(service)
    # Interleave provinces so the map shows activity across the country.
    by_province: dict[str, list] = {}
    for service in picked:
        by_province.setdefault(service.province, []).append(service)
    result = []
    while any(by_province.values()):
        for province in sorted(by_province):
            if by_province[province]:
                result.append(by_province[province].pop(0))
    return result


def _offset(service: PoliceService, index: int) -> tuple[Decimal, Decimal]:
    """A point a few hundred metres from the service's headquarters, deterministic."""
    seed = int(hashlib.sha256(f"{service.slug}{index}".encode()).hexdigest()[:8], 16)
    dlat = Decimal((seed % 1000) - 500) / Decimal(100000) * 2
    dlon = Decimal((seed // 1000 % 1000) - 500) / Decimal(100000) * 3
    return (service.latitude + dlat).quantize(Decimal("0.000001")), (
        service.longitude + dlon
    ).quantize(Decimal("0.000001"))


def _stored_file(service: PoliceService) -> StoredFile:
    text = (
        "DEMO - FICTIONAL RECORD - NOT A REAL RELEASE\n"
        f"service,{service.name_en}\n"
        "record,Automated licence plate reader deployment list (fictional)\n"
        "camera,location,direction\n"
        "1,Main St at 1st Ave,north\n"
        "2,Highway on-ramp,east\n"
    ).encode()
    digest = hashlib.sha256(text).hexdigest()
    stored = StoredFile.objects.filter(sha256=digest).first()
    if stored:
        return stored
    stored = StoredFile(
        sha256=digest,
        kind="csv",
        size=len(text),
        page_count=1,
        text=text.decode(),
        extraction=StoredFile.Extraction.DONE,
    )
    stored.file.save(f"{DEMO_FILES}{digest}.csv", ContentFile(text), save=False)
    stored.save()
    return stored


def _claim(campaign, service, volunteer, when) -> Claim:
    claim = Claim.objects.create(
        campaign=campaign, police_service=service, volunteer=volunteer, claimed_at=when
    )
    TargetActivity.objects.create(
        campaign=campaign,
        police_service=service,
        claim=claim,
        kind=TargetActivity.Kind.CLAIMED,
        actor=volunteer,
        subject=volunteer,
        created_at=when,
    )
    return claim


@transaction.atomic
def demo_load(*, today: date | None = None) -> DemoReport:
    """Create the demo campaign and its story; DemoError if it is already there."""
    today = today or timezone.localdate()
    if is_loaded():
        raise DemoError("The demo data is already loaded (remove it with load_demo --remove).")
    if not PoliceService.objects.exists():
        from requests_app.directory_csv import reference_data_load

        reference_data_load()
    if not ProvinceBoundary.objects.exists():
        provinces_load()
    report = DemoReport()
    starts = today - timedelta(days=240)
    campaign = Campaign.objects.create(
        slug=DEMO_SLUG,
        is_demo=True,
        name="[Demo] Fictional ALPR records campaign",
        name_fr="[Démo] Campagne fictive sur les LAPI",
        description="Fictional demonstration data. Nothing here is real.",
        description_fr="Données fictives de démonstration. Rien n'est réel.",
        starts_on=starts,
        records_from=date(2019, 1, 1),
    )
    volunteers = [
        User.objects.create_user(
            email=f"volunteer{n + 1}@{DEMO_DOMAIN}",
            password=None,
            display_name=name,
            show_name_publicly=True,
        )
        for n, name in enumerate(VOLUNTEERS)
    ]
    organizer = User.objects.create_user(
        email=f"organizer@{DEMO_DOMAIN}", password=None, display_name="Demo Organizer"
    )
    report.volunteers = len(volunteers)
    candidates = iter(_candidates(today))
    now = timezone.now()
    turn = 0
    # The requests of each story, for the appeals, comments and calls for help added after.
    stories: dict[str, list[AccessRequest]] = {story: [] for story, _count in PLAN}
    for story, count in PLAN:
        for _ in range(count):
            service = next(candidates, None)
            if service is None:
                break
            volunteer = volunteers[turn % len(volunteers)]
            turn += 1
            days_ago = {"released": 200, "overdue": 170, "filed": 12, "refused": 120, "claimed": 3}[
                story
            ]
            if story == "claimed" and not stories["claimed"]:
                # One claim close to expiry, for the dashboard's list.
                days_ago = max(settings.CLAIM_STALE_DAYS - 4, 0)
            claim = _claim(campaign, service, volunteer, now - timedelta(days=days_ago + 2))
            report.claims += 1
            if story == "claimed":
                stories[story].append(claim)
                continue
            request = request_file(
                campaign=campaign,
                service=service,
                volunteer=volunteer,
                filed_on=today - timedelta(days=days_ago),
                method="email",
                letter_text="[Demo] Fictional request letter.",
                today=today,
            )
            report.requests += 1
            stories[story].append(request)
            if story in ("overdue", "filed"):
                continue
            request_status_record(
                request=request,
                status=Status.ACKNOWLEDGED,
                occurred_on=today - timedelta(days=days_ago - 5),
                by=volunteer,
                note="[Demo] Acknowledged by e-mail.",
                today=today,
            )
            if story == "refused":
                request_status_record(
                    request=request,
                    status=Status.REFUSED,
                    occurred_on=today - timedelta(days=days_ago - 40),
                    by=volunteer,
                    section_cited="s. 8 (fictional)",
                    today=today,
                )
                continue
            decided = today - timedelta(days=60)
            event = request_status_record(
                request=request,
                status=Status.FULL_RELEASE,
                occurred_on=decided,
                by=volunteer,
                note="[Demo] Records released.",
                today=today,
            )
            release = Release.objects.create(
                request=request,
                event=event,
                stored=_stored_file(service),
                original_name="demo-alpr-records.csv",
                title=f"[Demo] ALPR deployment list, {service.name_en}",
                received_on=decided,
                uploaded_by=volunteer,
                moderation=Release.Moderation.APPROVED,
            )
            ReleaseDecision.objects.create(
                release=release,
                decision=Release.Moderation.APPROVED,
                decided_by=organizer,
            )
            report.releases += 1
            vendor = VENDORS[report.releases % len(VENDORS)]
            facts = {
                FindingField.VENDORS: {"text": vendor},
                FindingField.FIXED_CAMERAS: {"number": Decimal(2 + report.releases % 4)},
                FindingField.MOBILE_UNITS: {"number": Decimal(report.releases % 3 + 1)},
                FindingField.RETENTION_NON_HITS_DAYS: {"number": Decimal(30)},
            }
            for fact, value in facts.items():
                finding = Finding.objects.create(
                    campaign=campaign,
                    police_service=service,
                    field=fact,
                    release=release,
                    page=1,
                    note="[Demo]",
                    recorded_by=volunteer,
                    **value,
                )
                FindingRevision.objects.create(
                    finding=finding, release=release, page=1, recorded_by=volunteer, **value
                )
                report.findings += 1
            for index in range(int(facts[FindingField.FIXED_CAMERAS]["number"])):
                lat, lon = _offset(service, index)
                camera = CameraLocation.objects.create(
                    is_demo=True,
                    latitude=lat,
                    longitude=lon,
                    directions=[(index * 90 + 45) % 360],
                    vendor=vendor,
                    mount=CameraLocation.Mount.POLE,
                    police_service=service,
                    source=CameraLocation.Source.RELEASE,
                    release=release,
                    page=1,
                    confidence=CameraLocation.Confidence.CONFIRMED,
                    status=CameraLocation.Status.APPROVED,
                    submitted_by=volunteer,
                    reviewed_by=organizer,
                    reviewed_at=now,
                    notes="[Demo] Fictional camera.",
                )
                revision_record(camera, CameraRevision.Action.SUBMITTED, by=volunteer)
                report.cameras += 1
    # A field observation waiting for review, and one a volunteer reported that was approved.
    first = campaign.claims.select_related("police_service").order_by("pk").first()
    if first:
        service = first.police_service
        for index, status in (
            (10, CameraLocation.Status.PENDING),
            (11, CameraLocation.Status.APPROVED),
        ):
            lat, lon = _offset(service, index)
            camera = CameraLocation.objects.create(
                is_demo=True,
                latitude=lat,
                longitude=lon,
                directions=[180, 0],
                vendor="flock",
                police_service=service,
                source=CameraLocation.Source.FIELD,
                observed_on=today - timedelta(days=20),
                status=status,
                submitted_by=volunteers[-1],
                notes="[Demo] Fictional field observation.",
            )
            revision_record(camera, CameraRevision.Action.SUBMITTED, by=volunteers[-1])
            report.cameras += 1
    _coordination(stories, report, today=today)
    return report


def _coordination(stories: dict[str, list], report: DemoReport, *, today: date) -> None:
    """Appeals of the refusals (one in mediation, one being drafted), comments, calls for
    help and a release waiting for review, so the dashboard and /stats/ show every list."""
    for story in ("refused", "overdue", "released"):
        for request in stories[story]:
            request.refresh_from_db()  # its steps were recorded on another copy
    for index, request in enumerate(stories["refused"]):
        volunteer = request.volunteer
        appeal = appeal_open(
            request=request,
            by=volunteer,
            grounds=[Ground("exemption", section="s. 8 (fictional)", note="[Demo]")],
            today=request.status_on + timedelta(days=5),
        )
        report.appeals += 1
        if index == 0:
            for stage, days in ((Stage.FILED, 10), (Stage.MEDIATION, 40)):
                appeal_stage_record(
                    appeal=appeal,
                    stage=stage,
                    occurred_on=request.status_on + timedelta(days=days),
                    by=volunteer,
                    note="[Demo]",
                    file_number="DEMO-0001" if stage == Stage.FILED else "",
                    today=today,
                )
            help_wanted_open(
                subject=appeal,
                by=volunteer,
                needed="[Demo] Someone who has been through mediation with this commissioner.",
            )
            report.help_wanted += 1
            _comment(
                request,
                volunteer,
                "[Demo] The mediator asked for our grounds in writing.",
                appeal=appeal,
            )
            report.comments += 1
    for request in stories["overdue"][:1]:
        help_wanted_open(
            subject=request,
            by=request.volunteer,
            needed="[Demo] A hand to follow up by phone: no answer since the due date.",
        )
        report.help_wanted += 1
        _comment(request, request.volunteer, "[Demo] Called the office: they say it is coming.")
        report.comments += 1
    released = stories["released"]
    for request in released[:2]:
        _comment(
            request,
            request.volunteer,
            "[Demo] The list names two cameras near schools.",
            visibility=Visibility.PUBLIC,
        )
        report.comments += 1
    if released:
        request = released[-1]
        Release.objects.create(
            request=request,
            stored=_stored_file(request.police_service),
            original_name="demo-alpr-policy.csv",
            title=f"[Demo] ALPR policy, {request.police_service.name_en}",
            received_on=request.status_on,
            uploaded_by=request.volunteer,
        )
        report.releases += 1


def _comment(request, author, body: str, *, appeal=None, visibility=Visibility.TEAM) -> None:
    # Written directly: the demo's own people start no watch and tell nobody.
    Comment.objects.create(
        request=request, appeal=appeal, author=author, body=body, visibility=visibility
    )


@transaction.atomic
def demo_remove() -> dict:
    """Delete the demo data and nothing else; returns how many rows of each kind went."""
    users = _demo_users()
    demo_requests = AccessRequest.objects.filter(campaign__slug=DEMO_SLUG)
    demo_releases = Release.objects.filter(request__in=demo_requests)
    demo_cameras = CameraLocation.objects.filter(
        Q(submitted_by__in=users) | Q(release__in=demo_releases)
    )
    removed = {}

    def gone(name, queryset):
        count, _by_model = queryset.delete()
        removed[name] = count

    demo_appeals = Appeal.objects.filter(request__in=demo_requests)
    gone("notifications", Notification.objects.filter(request__in=demo_requests))
    gone(
        "watches",
        Watch.objects.filter(Q(request__in=demo_requests) | Q(appeal__in=demo_appeals)),
    )
    gone("comments", Comment.objects.filter(request__in=demo_requests))
    gone("calls for help", HelpWanted.objects.filter(request__in=demo_requests))
    gone("appeal stages", AppealEvent.objects.filter(appeal__in=demo_appeals))
    gone("grounds of appeal", AppealGround.objects.filter(appeal__in=demo_appeals))
    gone("appeals", demo_appeals)
    gone("camera revisions", CameraRevision.objects.filter(camera__in=demo_cameras))
    gone("cameras", demo_cameras)
    gone("finding revisions", FindingRevision.objects.filter(finding__campaign__slug=DEMO_SLUG))
    gone("findings", Finding.objects.filter(campaign__slug=DEMO_SLUG))
    gone("release decisions", ReleaseDecision.objects.filter(release__in=demo_releases))
    stored_ids = set(demo_releases.values_list("stored_id", flat=True))
    gone("releases", demo_releases)
    files = StoredFile.objects.filter(
        pk__in=stored_ids, file__startswith=f"releases/{DEMO_FILES}", releases__isnull=True
    )
    for stored in files:
        stored.file.delete(save=False)
    gone("stored files", files)
    gone("request events", RequestEvent.objects.filter(request__in=demo_requests))
    gone("requests", demo_requests)
    gone("activity", TargetActivity.objects.filter(campaign__slug=DEMO_SLUG))
    gone("helpers", ClaimHelper.objects.filter(claim__campaign__slug=DEMO_SLUG))
    gone("claims", Claim.objects.filter(campaign__slug=DEMO_SLUG))
    gone("campaigns", Campaign.objects.filter(slug=DEMO_SLUG))
    gone("volunteers", users)
    return removed


def demo_refusal(*, force: bool) -> str:
    """Why load_demo should not run here, or "" when it may."""
    if force:
        return ""
    if not settings.DEBUG:
        return "DEBUG is off: this looks like a production site. Use --force if you really mean it."
    activity = real_activity()
    if activity:
        return (
            "This database already holds real activity (" + ", ".join(activity) + "). "
            "Use --force to add the demo anyway."
        )
    return ""
