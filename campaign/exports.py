"""The CSV files of `/stats/` (public: the figures) and of the dashboard (organizers: the
figures, every list, and all requests with their steps, all claims and all appeals).

Each table is a function of the campaign, the day and the site's address (for links) giving
a header and rows; `csv_response`
(`requests_app.exports`) writes them, so no cell can run as a spreadsheet formula. Column
names are plain English identifiers, the same in every language, like `/findings.csv`.
"""

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.urls import reverse

from requests_app import selectors as request_selectors
from requests_app.models import AccessRequest, Appeal, Campaign, Claim, ClaimHelper, RequestEvent

from . import selectors


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def coverage(campaign: Campaign, today: date, site: str):
    table = selectors.coverage_table(selectors.figures(campaign))
    steps = [step.value for step in selectors.COVERAGE_STEPS]
    header = ["campaign", "province", "province_name", "services"]
    header += [name for step in steps for name in (step, f"{step}_pct")]

    def cells(row):
        return [value for count, share in row["cells"] for value in (count, _pct(share))]

    rows = [
        [campaign.slug, row["province"], row["name"], row["services"], *cells(row)]
        for row in table["rows"]
    ]
    rows.append([campaign.slug, "total", "", table["totals"]["services"], *cells(table["totals"])])
    return header, rows


def funnel(campaign: Campaign, today: date, site: str):
    rows = selectors.funnel(selectors.figures(campaign))
    steps = ["unclaimed", *[step.value for step in selectors.FUNNEL]]
    return ["campaign", "step", "targets", "pct"], [
        [campaign.slug, step, row["count"], _pct(row["share"])]
        for step, row in zip(steps, rows, strict=True)
    ]


def weekly(campaign: Campaign, today: date, site: str):
    weeks = selectors.figures(campaign)["weeks"]
    return ["campaign", "week_of", "requests_filed", "releases_received"], [
        [campaign.slug, week.isoformat(), filed, released] for week, filed, released in weeks
    ]


def answer_times(campaign: Campaign, today: date, site: str):
    header = [
        "campaign",
        "regime",
        "regime_name",
        "jurisdiction",
        "answered",
        "median_days_to_answer",
        "median_days_allowed",
        "with_due_date",
        "answered_by_due_date",
        "time_limits",
    ]
    rows = [
        [
            campaign.slug,
            row["code"],
            row["name_en"],
            row["jurisdiction"],
            row["answered"],
            row["median_days"],
            row["median_allowed"],
            row["with_due_date"],
            row["on_time"],
            "; ".join(f"{days} {kind}" for days, kind in row["limits"]),
        ]
        for row in selectors.figures(campaign)["answer_times"]
    ]
    return header, rows


def vendors(campaign: Campaign, today: date, site: str):
    header = ["campaign", "vendor", "vendor_name", "services", "fixed_cameras", "mobile_units"]
    rows = [
        [
            campaign.slug,
            row["vendor"],
            row["label"],
            row["services"],
            row["fixed_cameras"],
            row["mobile_units"],
        ]
        for row in selectors.vendors_table(selectors.figures(campaign))
    ]
    return header, rows


PUBLIC_TABLES = {
    "coverage": coverage,
    "funnel": funnel,
    "weekly": weekly,
    "answer-times": answer_times,
    "vendors": vendors,
}


# --- Organizers only ----------------------------------------------------------------------


def _person(user) -> list:
    return [user.public_name, user.email] if user else ["", ""]


def overdue(campaign: Campaign, today: date, site: str):
    header = [
        "request_id",
        "request_url",
        "police_service",
        "province",
        "status",
        "due_on",
        "days_late",
        "held_by",
        "held_by_email",
        "filed_by",
        "filed_by_email",
    ]
    rows = []
    for row in selectors.overdue_rows(campaign, today):
        request, claim = row["request"], row["claim"]
        rows.append(
            [
                request.pk,
                site + request.get_absolute_url(),
                request.police_service.name_en,
                request.police_service.province,
                request.status,
                request.due_on.isoformat(),
                row["days_late"],
                *_person(claim.volunteer if claim else None),
                *_person(request.volunteer),
            ]
        )
    return header, rows


def expiring_claims(campaign: Campaign, today: date, site: str):
    header = [
        "claim_id",
        "police_service",
        "service_url",
        "volunteer",
        "volunteer_email",
        "claimed_at",
        "expires_on",
        "reminder_sent_on",
    ]
    rows = [
        [
            row["claim"].pk,
            row["claim"].police_service.name_en,
            site + row["claim"].police_service.get_absolute_url(),
            *_person(row["claim"].volunteer),
            row["claim"].claimed_at.isoformat(),
            row["expires_on"].isoformat(),
            row["claim"].reminder_sent_on or "",
        ]
        for row in request_selectors.with_expiry(
            request_selectors.claims_needing_attention(campaign, today)
        )
    ]
    return header, rows


def open_appeals(campaign: Campaign, today: date, site: str):
    header = [
        "appeal_id",
        "appeal_url",
        "police_service",
        "stage",
        "stage_on",
        "file_by",
        "filed_on",
        "file_number",
    ]
    rows = [
        [
            appeal.pk,
            site + appeal.get_absolute_url(),
            appeal.request.police_service.name_en,
            appeal.stage,
            appeal.stage_on,
            appeal.file_by or "",
            appeal.filed_on or "",
            appeal.file_number,
        ]
        for appeal in request_selectors.open_appeals(campaign)
    ]
    return header, rows


def help_wanted(campaign: Campaign, today: date, site: str):
    header = ["help_wanted_id", "police_service", "request_url", "appeal_url", "asked_at", "needed"]
    rows = [
        [
            row["call"].pk,
            row["service"].name_en,
            site + row["request"].get_absolute_url(),
            site + row["appeal"].get_absolute_url() if row["appeal"] else "",
            row["call"].created_at.isoformat(),
            row["call"].needed,
        ]
        for row in request_selectors.help_wanted_rows(campaign, AnonymousUser())
    ]
    return header, rows


def moderation(campaign: Campaign, today: date, site: str):
    """Everything waiting for an organizer's decision: releases, camera locations and
    corrections to the directory."""
    header = ["kind", "id", "url", "police_service", "submitted_at", "submitted_by"]
    waiting = selectors.moderation_waiting(campaign)
    rows = [
        [
            "release",
            release.pk,
            site + release.get_absolute_url(),
            release.request.police_service.name_en,
            release.uploaded_at.isoformat(),
            release.uploaded_by.public_name,
        ]
        for release in waiting["releases"]
    ]
    rows += [
        [
            "camera",
            camera.pk,
            site + camera.get_absolute_url(),
            camera.police_service.name_en if camera.police_service else "",
            camera.created_at.isoformat(),
            camera.submitted_by.public_name if camera.submitted_by else "",
        ]
        for camera in waiting["cameras"]
    ]
    queue = site + reverse("requests_app:corrections")
    rows += [
        [
            "correction",
            correction.pk,
            f"{queue}#correction-{correction.pk}",
            correction.police_service.name_en,
            correction.proposed_at.isoformat(),
            correction.proposed_by.public_name,
        ]
        for correction in waiting["corrections"]
    ]
    return header, rows


def all_requests(campaign: Campaign, today: date, site: str):
    """Every request of the campaign, one row per step (a request without steps: one row)."""
    header = [
        "request_id",
        "request_url",
        "police_service",
        "slug",
        "province",
        "regime",
        "filed_by",
        "filed_by_email",
        "method",
        "filed_on",
        "received_on",
        "reference_number",
        "status",
        "due_on",
        "appeal_due_on",
        "fees_paid",
        "step",
        "step_on",
        "step_logged_by",
        "step_note",
        "extension_days",
        "new_due_on",
        "section_cited",
        "amount",
    ]
    requests = (
        AccessRequest.objects.filter(campaign=campaign)
        .select_related("police_service", "regime", "volunteer")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("logged_by"))
        )
        .order_by("pk")
    )

    def rows():
        for request in requests:
            common = [
                request.pk,
                site + request.get_absolute_url(),
                request.police_service.name_en,
                request.police_service.slug,
                request.police_service.province,
                request.regime.code,
                *_person(request.volunteer),
                request.method,
                request.filed_on or "",
                request.received_on or "",
                request.reference_number,
                request.status,
                request.due_on or "",
                request.appeal_due_on or "",
                request.fees_paid,
            ]
            events = list(request.events.all())
            if not events:
                yield common + [""] * 8
            for event in events:
                yield [
                    *common,
                    event.status,
                    event.occurred_on,
                    event.logged_by.email,
                    event.note,
                    event.extension_days or "",
                    event.new_due_on or "",
                    event.section_cited,
                    "" if event.amount is None else event.amount,
                ]

    return header, rows()


def all_claims(campaign: Campaign, today: date, site: str):
    header = [
        "claim_id",
        "police_service",
        "slug",
        "province",
        "volunteer",
        "volunteer_email",
        "claimed_at",
        "released_at",
        "ending",
        "ending_reason",
        "reminder_sent_on",
        "helpers",
    ]
    claims = (
        Claim.objects.filter(campaign=campaign)
        .select_related("police_service", "volunteer")
        .prefetch_related(
            Prefetch(
                "helpers",
                queryset=ClaimHelper.objects.filter(
                    status=ClaimHelper.Status.ACCEPTED
                ).select_related("volunteer"),
            )
        )
        .order_by("pk")
    )
    rows = [
        [
            claim.pk,
            claim.police_service.name_en,
            claim.police_service.slug,
            claim.police_service.province,
            *_person(claim.volunteer),
            claim.claimed_at.isoformat(),
            claim.released_at.isoformat() if claim.released_at else "",
            claim.ending,
            claim.ending_reason,
            claim.reminder_sent_on or "",
            "; ".join(helper.volunteer.email for helper in claim.helpers.all()),
        ]
        for claim in claims
    ]
    return header, rows


def all_appeals(campaign: Campaign, today: date, site: str):
    header = [
        "appeal_id",
        "appeal_url",
        "request_id",
        "police_service",
        "province",
        "basis",
        "decision_on",
        "grounds",
        "stage",
        "stage_on",
        "file_by",
        "filed_on",
        "file_number",
        "outcome",
        "order_number",
        "order_url",
        "opened_by",
        "opened_at",
    ]
    appeals = (
        Appeal.objects.filter(request__campaign=campaign)
        .select_related("request__police_service", "opened_by")
        .prefetch_related("grounds")
        .order_by("pk")
    )
    rows = [
        [
            appeal.pk,
            site + appeal.get_absolute_url(),
            appeal.request_id,
            appeal.request.police_service.name_en,
            appeal.request.police_service.province,
            appeal.basis,
            appeal.decision_on,
            "; ".join(f"{g.kind} {g.section}".strip() for g in appeal.grounds.all()),
            appeal.stage,
            appeal.stage_on,
            appeal.file_by or "",
            appeal.filed_on or "",
            appeal.file_number,
            appeal.outcome,
            appeal.order_number,
            appeal.order_url,
            appeal.opened_by.email,
            appeal.opened_at.isoformat(),
        ]
        for appeal in appeals
    ]
    return header, rows


ORGANIZER_TABLES = {
    **PUBLIC_TABLES,
    "overdue": overdue,
    "expiring-claims": expiring_claims,
    "open-appeals": open_appeals,
    "help-wanted": help_wanted,
    "moderation": moderation,
    "requests": all_requests,
    "claims": all_claims,
    "appeals": all_appeals,
}
