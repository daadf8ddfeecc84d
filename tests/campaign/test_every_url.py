"""Every URL the site answers, discovered from the URL configuration, requested by five
people: an anonymous visitor, the volunteer whose target it is, another volunteer, the
volunteer who filed the request and was then removed from the target by reassignment, and
an organizer. EXPECTED holds the status each one gets; a URL name missing from it fails,
so a new view cannot be forgotten. No private text (e-mail addresses, the unapproved
release's file name and title, any release's original file name, a team comment, a
calendar token, an unapproved camera's note) reaches anyone who should not read it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from maps_app.models import CameraLocation
from maps_app.services import camera_decide, camera_submit
from requests_app.models import Campaign, PoliceService, Status
from requests_app.models.comments import Visibility
from requests_app.services.appeals import Ground, appeal_open, appeal_stage_record
from requests_app.services.claims import claim_create, claim_help_offer, claim_reassign
from requests_app.services.coordination import (
    comment_create,
    help_wanted_open,
    unsubscribe_token,
    watch_start,
)
from requests_app.services.corrections import correction_propose
from requests_app.services.releases import finding_record, release_decide, release_upload
from requests_app.services.reminders import calendar_token_renew
from requests_app.services.requests import request_file, request_status_record
from requests_app.services.tokens import api_token_create
from tests import documents
from tests.factories import UserFactory

TORONTO = ZoneInfo("America/Toronto")
ROLES = ("anonymous", "owner", "other", "removed", "organizer")

# Private text, each unusual enough to be found only where it leaked.
UNAPPROVED_NAME = "Scan for Jane Quillfeather.pdf"
UNAPPROVED_TITLE = "Memo Zyxwvut"
APPROVED_NAME = "Contract signed by Amos Pellinore.pdf"
TEAM_COMMENT = "Team only: the clerk Hortensia is helpful"
CAMERA_NOTE = "Seen from Brindlewick Lane"
PUBLIC_COMMENT = "Public note about the request"


# --- Discovery ------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or prefix + str(pattern.pattern), pattern


def discovered() -> dict[str, list[str]]:
    """Every URL name (or the route of an unnamed one) with its keyword arguments. A name
    served by two patterns with different arguments is listed once for each. The admin is
    left to ADMIN below."""
    urls = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(("admin:", "admin/")):
            continue
        arguments = sorted(pattern.pattern.regex.groupindex)
        key = name if urls.get(name, arguments) == arguments else f"{name}({','.join(arguments)})"
        urls[key] = arguments
    return urls


URLS = discovered()


# --- The world ------------------------------------------------------------------------


@pytest.fixture
def world(directory, alice, bob, olivia, settings, tmp_path):
    """Toronto's request, filed by carol, then handed by an organizer to alice; the clock
    stays on Thursday 26 November 2026 for the whole test."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=TORONTO), tick=False):
        yield _build(alice, bob, olivia)


def _build(alice, bob, olivia):
    today = timezone.localdate()
    carol = UserFactory(email="carol@example.org", display_name="Carol C.")
    dave = UserFactory(email="dave@example.org")
    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="toronto-police-service")

    first_claim = claim_create(campaign=campaign, service=service, volunteer=carol)
    request = request_file(
        campaign=campaign, service=service, volunteer=carol, filed_on=today - timedelta(days=24)
    )
    letter = SimpleUploadedFile("ack.pdf", documents.pdf(["We received your request"]))
    acknowledged = request_status_record(
        request=request,
        status=Status.ACKNOWLEDGED,
        occurred_on=today - timedelta(days=21),
        by=carol,
        attachment=letter,
    )
    partial = request_status_record(
        request=request,
        status=Status.PARTIAL_RELEASE,
        occurred_on=today - timedelta(days=5),
        by=carol,
    )
    approved = release_upload(
        request=request,
        by=carol,
        upload=SimpleUploadedFile(APPROVED_NAME, documents.pdf(["Contract", "Retention"])),
        received_on=today - timedelta(days=5),
        event=partial,
    )  # no title: nothing may fall back on the file's own name
    release_decide(release=approved, by=olivia, decision="approved")
    unapproved = release_upload(
        request=request,
        by=carol,
        upload=SimpleUploadedFile(UNAPPROVED_NAME, documents.pdf(["Memo"])),
        received_on=today - timedelta(days=5),
        title=UNAPPROVED_TITLE,
    )
    finding_record(release=approved, field="retention_hits_days", raw_value="30", page=2, by=carol)
    request.refresh_from_db()
    appeal = appeal_open(
        request=request, by=carol, grounds=[Ground("exemption", "s.8", "")], today=today
    )
    filed = appeal_stage_record(
        appeal=appeal,
        stage="filed",
        occurred_on=today,
        by=carol,
        attachment=SimpleUploadedFile("appeal.pdf", documents.pdf(["Appeal"])),
        file_number="MA26-1",
    )
    team_comment = comment_create(subject=request, author=carol, body=TEAM_COMMENT)
    comment_create(subject=request, author=carol, body=PUBLIC_COMMENT, visibility=Visibility.PUBLIC)
    help_wanted = help_wanted_open(subject=request, by=carol, needed="Someone to call")

    # The organizer hands the target to alice: carol is off it from now on.
    claim = claim_reassign(claim=first_claim, to_volunteer=alice, by=olivia, reason="Away")
    helper = claim_help_offer(claim=claim, volunteer=dave, message="I can help")
    watch = watch_start(user=alice, subject=request)
    calendar_token = calendar_token_renew(alice)
    api_token, _secret = api_token_create(user=alice, name="laptop")
    correction = correction_propose(
        service=service,
        fact="rule_set:extension_rule",
        proposed_value="30 more days, with notice.",
        by=alice,
        source_url="https://example.org/foi",
    )
    camera = camera_submit(
        by=alice,
        latitude=43.65,
        longitude=-79.38,
        source=CameraLocation.Source.FIELD,
        notes=CAMERA_NOTE,
        photo=SimpleUploadedFile("p.png", documents.image()),
    )
    public_camera = camera_submit(
        by=alice, latitude=43.70, longitude=-79.40, source=CameraLocation.Source.FIELD
    )
    camera_decide(camera=public_camera, by=olivia, decision=CameraLocation.Status.APPROVED)

    people = {
        "anonymous": None,
        "owner": alice,
        "other": bob,
        "removed": carol,
        "organizer": olivia,
    }
    kwargs = {
        "slug": service.slug,
        "code": service.regime.code,
        "token": calendar_token,
        "event_pk": acknowledged.pk,
        "helper_pk": helper.pk,
        "decision": "accept",
        "table": "coverage",
        "key": "not-a-key",
        "uidb36": "1",
        # The camera tile holding Toronto's centre at zoom 12.
        "z": 12,
        "x": 1144,
        "y": 1494,
    }
    # Names whose pk (or token) is not the request's.
    pks = {
        "claim": claim.pk,
        "release": unapproved.pk,
        "appeal": appeal.pk,
        "comment": team_comment.pk,
        "help_wanted": help_wanted.pk,
        "correction": correction.pk,
        "camera": camera.pk,
        "api_token": api_token.pk,
        "request": request.pk,
    }
    private = {
        "e-mail": [u.email for u in (alice, bob, carol, dave, olivia)],
        "unapproved release": [UNAPPROVED_NAME, UNAPPROVED_TITLE],
        "original file name": [APPROVED_NAME],
        "team comment": [TEAM_COMMENT],
        "calendar token": [calendar_token],
        "unapproved camera": [CAMERA_NOTE],
    }
    return {
        "people": people,
        "kwargs": kwargs,
        "pks": pks,
        "private": private,
        "watch_token": unsubscribe_token(watch),
        "appeal_event_pk": filed.pk,
        "approved": approved,
    }


# --- Building each address ------------------------------------------------------------

# What the `pk` of each URL name is (matched from the start of the name); every other
# one is the request's.
PK_OF = [
    (r"requests_app:(claim_|team_message)|claim-", "claim"),
    (r"requests_app:release(_file)?$|release-", "release"),
    (r"requests_app:appeal(?!_open)|appeal-", "appeal"),
    (r"requests_app:comment_hide", "comment"),
    (r"requests_app:help_wanted_close", "help_wanted"),
    (r"requests_app:correction_", "correction"),
    (r"maps_app:(api_)?camera", "camera"),
    (r"requests_app:api_token_revoke", "api_token"),
]
# A second look at some addresses, with a public object instead of a private one.
VARIANTS = {
    "requests_app:release": "approved",
    "requests_app:release_file": "approved",
    "release-detail": "approved",
    "release-findings": "approved",
}


def address(key: str, world, variant: str | None = None) -> str:
    name = key.partition("(")[0]
    arguments = URLS[key]
    if "/" in name or name.endswith(".ico"):  # an unnamed pattern: its route
        return "/" + name
    kwargs = {arg: world["kwargs"][arg] for arg in arguments if arg != "pk"}
    if "pk" in arguments:
        what = next((w for pattern, w in PK_OF if re.match(pattern, name)), "request")
        kwargs["pk"] = world["pks"][what]
        if variant == "approved":
            kwargs["pk"] = world["approved"].pk
    if name == "requests_app:watch_stop":
        kwargs["token"] = world["watch_token"]
    if name == "requests_app:appeal_attachment":  # an appeal's event, not the request's
        kwargs["event_pk"] = world["appeal_event_pk"]
    return reverse(name, kwargs=kwargs)


# The admin's own views are Django's, behind its staff check: its front page and one
# change page stand for them.
ADMIN = {
    "admin:index": {},
    "admin:requests_app_accessrequest_change": {"object_id": "request"},
}


def every_key():
    for key in URLS:
        yield key
        if key in VARIANTS:
            yield f"{key}@{VARIANTS[key]}"
    yield from ADMIN


def every_address(world):
    for key in every_key():
        name, _at, variant = key.partition("@")
        if name in ADMIN:
            kwargs = {arg: world["pks"][what] for arg, what in ADMIN[name].items()}
            yield key, reverse(name, kwargs=kwargs)
        else:
            yield key, address(name, world, variant or None)


def clients(world) -> dict[str, Client]:
    result = {}
    for role, person in world["people"].items():
        result[role] = Client(raise_request_exception=False)
        if person is not None:
            result[role].force_login(person)
    return result


def _changes():
    """Every row a volunteer's action could write, to see that a refused one wrote none."""
    return {
        model._meta.label: serializers.serialize("python", model._base_manager.order_by("pk"))
        for label in WRITABLE
        for model in [apps.get_model(label)]
    }


WRITABLE = [
    "requests_app.User", "requests_app.ApiToken", "requests_app.Appeal",
    "requests_app.AppealGround", "requests_app.AppealEvent", "requests_app.Claim",
    "requests_app.ClaimHelper", "requests_app.TargetActivity", "requests_app.Comment",
    "requests_app.HelpWanted", "requests_app.Watch", "requests_app.Notification",
    "requests_app.TeamMessage", "requests_app.Correction", "requests_app.StoredFile",
    "requests_app.Release", "requests_app.ReleaseDecision", "requests_app.Finding",
    "requests_app.FindingRevision", "requests_app.AccessRequest", "requests_app.RequestEvent",
    "maps_app.CameraLocation", "maps_app.CameraRevision",
]  # fmt: skip


# --- What each person gets -------------------------------------------------------------

# (anonymous, owner, other volunteer, removed volunteer, organizer), for a GET. 302 for an
# anonymous visitor is the sign-in page; 405 means the address takes only POST (those are
# also posted to below); 404 hides what exists from those who may not know it.
EXPECTED = {
    "healthz": (200, 200, 200, 200, 200),
    "favicon.ico": (302, 302, 302, 302, 302),
    "findings_csv": (200, 200, 200, 200, 200),
    "stats_csv": (200, 200, 200, 200, 200),
    "dashboard_csv": (302, 403, 403, 403, 200),
    "home": (200, 200, 200, 200, 200),
    "stats": (200, 200, 200, 200, 200),
    "dashboard": (302, 403, 403, 403, 200),
    "activity": (302, 403, 403, 403, 200),
    "set_language": (302, 302, 302, 302, 302),
    # The API
    "api-root": (200, 200, 200, 200, 200),
    "api-schema": (200, 200, 200, 200, 200),
    "api-docs": (200, 200, 200, 200, 200),
    "api-stats": (200, 200, 200, 200, 200),
    "regime-list": (200, 200, 200, 200, 200),
    "regime-detail": (200, 200, 200, 200, 200),
    "service-list": (200, 200, 200, 200, 200),
    "service-detail": (200, 200, 200, 200, 200),
    "release-list": (200, 200, 200, 200, 200),
    "release-detail": (404, 200, 404, 404, 200),
    "release-detail@approved": (200, 200, 200, 200, 200),
    "release-findings": (401, 405, 405, 405, 405),
    "release-findings@approved": (401, 405, 405, 405, 405),
    "finding-list": (200, 200, 200, 200, 200),
    "camera-list": (200, 200, 200, 200, 200),
    "camera-geojson": (200, 200, 200, 200, 200),
    "appeal-list": (200, 200, 200, 200, 200),
    "appeal-detail": (200, 200, 200, 200, 200),
    "appeal-comments": (401, 405, 405, 405, 405),
    "appeal-stages": (401, 405, 405, 405, 405),
    "request-list": (401, 200, 200, 200, 200),
    "request-detail": (401, 200, 404, 404, 200),
    "request-appeals": (401, 405, 405, 405, 405),
    "request-comments": (401, 405, 405, 405, 405),
    "request-releases": (401, 405, 405, 405, 405),
    "request-steps": (401, 405, 405, 405, 405),
    "claim-list": (401, 200, 200, 200, 200),
    "claim-release": (401, 405, 405, 405, 405),
    # The directory, claims and requests
    "requests_app:directory": (200, 200, 200, 200, 200),
    "requests_app:service": (200, 200, 200, 200, 200),
    "requests_app:guide": (200, 200, 200, 200, 200),
    "requests_app:claim_create": (302, 405, 405, 405, 405),
    "requests_app:claim_release": (302, 405, 405, 405, 405),
    "requests_app:claim_reassign": (302, 405, 405, 405, 405),
    "requests_app:claim_remind": (302, 405, 405, 405, 405),
    "requests_app:claim_help_offer": (302, 405, 405, 405, 405),
    "requests_app:claim_help_decide": (302, 405, 405, 405, 405),
    "requests_app:me": (302, 200, 200, 200, 200),
    "requests_app:profile": (302, 200, 200, 200, 200),
    "requests_app:letter": (302, 200, 403, 403, 200),
    "requests_app:request_file": (302, 405, 405, 405, 405),
    # Everyone else gets the request's public page.
    "requests_app:request": (200, 200, 200, 200, 200),
    "requests_app:event_attachment": (302, 200, 404, 404, 200),
    # The token in the address is the key: whoever has it reads the feed (its owner's).
    "requests_app:calendar_feed": (200, 200, 200, 200, 200),
    "requests_app:calendar_token": (302, 405, 405, 405, 405),
    "requests_app:api_token_create": (302, 405, 405, 405, 405),
    "requests_app:api_token_revoke": (302, 405, 405, 405, 405),
    # Releases and findings
    "requests_app:release_upload": (302, 405, 405, 405, 405),
    "requests_app:release": (404, 200, 404, 404, 200),
    "requests_app:release@approved": (200, 200, 200, 200, 200),
    "requests_app:release_file": (404, 200, 404, 404, 200),
    "requests_app:release_file@approved": (200, 200, 200, 200, 200),
    "requests_app:releases_search": (200, 200, 200, 200, 200),
    "requests_app:moderation": (302, 403, 403, 403, 200),
    "requests_app:findings": (200, 200, 200, 200, 200),
    # Corrections to the directory
    "requests_app:correction_new": (302, 200, 200, 200, 200),
    "requests_app:corrections": (302, 403, 403, 403, 200),
    "requests_app:correction_decide": (302, 405, 405, 405, 405),
    # A proposal with a web page as its source has no letter to show.
    "requests_app:correction_letter": (302, 404, 404, 404, 404),
    # Appeals: the team's page (the public see an appeal on the request's page and API).
    "requests_app:appeal_open": (302, 405, 405, 405, 405),
    "requests_app:appeal": (302, 200, 404, 404, 200),
    # Filed already: the letter page sends its team back to the appeal.
    "requests_app:appeal_letter": (302, 302, 404, 404, 302),
    "requests_app:appeal_attachment": (302, 200, 404, 404, 200),
    # Coordination
    "requests_app:comment_create": (302, 405, 405, 405, 405),
    "requests_app:appeal_comment_create": (302, 405, 405, 405, 405),
    "requests_app:comment_hide": (302, 405, 405, 405, 405),
    "requests_app:request_watch": (302, 405, 405, 405, 405),
    "requests_app:appeal_watch": (302, 405, 405, 405, 405),
    "requests_app:service_watch": (302, 405, 405, 405, 405),
    # A signed link from an e-mail: GET asks to confirm, and changes nothing.
    "requests_app:watch_stop": (200, 200, 200, 200, 200),
    "requests_app:help_wanted_open": (302, 405, 405, 405, 405),
    "requests_app:appeal_help_wanted_open": (302, 405, 405, 405, 405),
    "requests_app:help_wanted_close": (302, 405, 405, 405, 405),
    "requests_app:help_wanted": (200, 200, 200, 200, 200),
    "requests_app:team_message": (302, 405, 405, 405, 405),
    # The map
    "maps_app:map": (200, 200, 200, 200, 200),
    "maps_app:embed": (200, 200, 200, 200, 200),
    "maps_app:camera_new": (302, 200, 200, 200, 200),
    "maps_app:my_cameras": (302, 200, 200, 200, 200),
    "maps_app:review": (302, 403, 403, 403, 200),
    "maps_app:camera": (404, 200, 404, 404, 200),
    "maps_app:camera_decide": (302, 405, 405, 405, 405),
    "maps_app:camera_photo": (404, 200, 404, 404, 200),
    "maps_app:export_geojson": (200, 200, 200, 200, 200),
    "maps_app:export_csv": (200, 200, 200, 200, 200),
    "maps_app:export_osm": (200, 200, 200, 200, 200),
    "maps_app:api_coverage": (200, 200, 200, 200, 200),
    "maps_app:api_cameras": (200, 200, 200, 200, 200),
    "maps_app:api_camera_tile": (200, 200, 200, 200, 200),
    # The unapproved camera's details: its reporter and organizers only, as its page.
    "maps_app:api_camera_detail": (404, 200, 404, 404, 200),
    "maps_app:api_suggest": (401, 200, 200, 200, 200),
    # Accounts (allauth): a signed-in person is sent on from the sign-in and sign-up pages.
    "account_login": (200, 302, 302, 302, 302),
    "account_logout": (302, 200, 200, 200, 200),
    "account_inactive": (200, 200, 200, 200, 200),
    "account_signup": (200, 302, 302, 302, 302),
    "account_reauthenticate": (302, 200, 200, 200, 200),
    "account_email": (302, 200, 200, 200, 200),
    "account_email_verification_sent": (200, 200, 200, 200, 200),
    "account_change_password": (302, 200, 200, 200, 200),
    "account_set_password": (302, 302, 302, 302, 302),
    "account_reset_password": (200, 200, 200, 200, 200),
    "account_confirm_login_code": (302, 302, 302, 302, 302),
    "account_confirm_email": (200, 200, 200, 200, 200),
    "account_reset_password_from_key_done": (200, 200, 200, 200, 200),
    "account_reset_password_from_key": (200, 200, 200, 200, 200),
    "account_reset_password_done": (200, 200, 200, 200, 200),
    # Volunteers are sent to the admin's sign-in page; organizers have staff access.
    "admin:index": (302, 302, 302, 302, 200),
    "admin:requests_app_accessrequest_change": (302, 302, 302, 302, 200),
}

# Query strings some addresses need to show data rather than ask for it.
QUERY = {
    "maps_app:api_cameras": "?bbox=-80,43,-79,44&zoom=17",
    "maps_app:api_suggest": "?lat=43.65&lon=-79.38",
    # The unapproved release's text matches: it must not be found by outsiders.
    "requests_app:releases_search": "?q=Memo",
}

# (anonymous, other volunteer, removed volunteer) posting to what takes only POST.
# Anyone signed in may offer help on a target, watch it, or act on their own account;
# every other refused post must change nothing.
POST_EXPECTED = {
    "release-findings": (401, 404, 404),
    "release-findings@approved": (401, 403, 403),
    "appeal-comments": (401, 404, 404),
    "appeal-stages": (401, 404, 404),
    "request-appeals": (401, 404, 404),
    "request-comments": (401, 404, 404),
    "request-releases": (401, 404, 404),
    "request-steps": (401, 404, 404),
    "claim-release": (401, 403, 403),
    # 302 for a volunteer: refused, with the reason as a message on the page they came from.
    "requests_app:claim_create": (302, 302, 302),
    "requests_app:claim_release": (302, 403, 403),
    "requests_app:claim_reassign": (302, 403, 403),
    "requests_app:claim_remind": (302, 403, 403),
    "requests_app:claim_help_offer": (302, 302, 302),
    "requests_app:claim_help_decide": (302, 403, 403),
    "requests_app:request_file": (302, 403, 403),
    "requests_app:calendar_token": (302, 302, 302),
    "requests_app:api_token_create": (302, 200, 200),
    "requests_app:api_token_revoke": (302, 404, 404),
    "requests_app:release_upload": (302, 404, 404),
    "requests_app:correction_decide": (302, 403, 403),
    "requests_app:appeal_open": (302, 404, 404),
    "requests_app:comment_create": (302, 302, 302),
    "requests_app:appeal_comment_create": (302, 302, 302),
    "requests_app:comment_hide": (302, 403, 403),
    "requests_app:request_watch": (302, 302, 302),
    "requests_app:appeal_watch": (302, 302, 302),
    "requests_app:service_watch": (302, 302, 302),
    "requests_app:help_wanted_open": (302, 403, 403),
    "requests_app:appeal_help_wanted_open": (302, 403, 403),
    "requests_app:help_wanted_close": (302, 403, 403),
    "requests_app:team_message": (302, 403, 403),
    "maps_app:camera_decide": (302, 403, 403),
}
MAY_CHANGE = {
    "requests_app:claim_help_offer", "requests_app:request_watch", "requests_app:appeal_watch",
    "requests_app:service_watch", "requests_app:calendar_token", "requests_app:api_token_create",
}  # fmt: skip
# One body for every form and endpoint: each reads the fields it knows, so the refusal
# comes from who is asking, not from a missing field.
POST_BODY = {
    "campaign": "alpr-records",
    "body": "Posted by someone off the target",
    "visibility": "public",
    "reason": "Posted by someone off the target",
    "needed": "Anything",
    "decision": "approved",
    "field": "retention_hits_days",
    "value": "1",
    "status": "acknowledged",
    "occurred_on": "2026-11-25",
    "name": "laptop",
}


def test_every_url_has_its_expected_statuses():
    """A new view (or route) must be added to EXPECTED, with what each person gets."""
    keys = set(every_key())
    assert sorted(keys - set(EXPECTED)) == [], "URLs missing from EXPECTED"
    assert sorted(set(EXPECTED) - keys) == [], "EXPECTED names URLs that no longer exist"


def _leaks(body: str, role: str, world) -> list[str]:
    person = world["people"][role]
    own = {person.email} if person else set()
    return [
        f"{kind}: {text!r}"
        for kind, texts in world["private"].items()
        for text in texts
        if text not in own and text in body
    ]


def test_every_url_as_each_person(world):
    people = clients(world)
    wrong = []
    for key, url in every_address(world):
        url += QUERY.get(key.partition("@")[0], "")
        for role, expected in zip(ROLES, EXPECTED[key], strict=True):
            response = people[role].get(url)
            if response.status_code != expected:
                wrong.append(f"{role} GET {url} ({key}): {response.status_code}, not {expected}")
            if role in ("anonymous", "other", "removed") and key != "requests_app:calendar_feed":
                body = b"".join(response) if response.streaming else response.content
                for leak in _leaks(body.decode(errors="replace"), role, world):
                    wrong.append(f"{role} GET {url} ({key}) shows {leak}")
    assert not wrong, "\n".join(wrong)


def test_outsiders_posting_change_nothing(world):
    people = clients(world)
    wrong = []
    for key, url in every_address(world):
        if EXPECTED[key][ROLES.index("owner")] != 405:
            continue
        for role in ("anonymous", "other", "removed"):
            before = _changes()
            status = people[role].post(url, POST_BODY).status_code
            expected = POST_EXPECTED[key][("anonymous", "other", "removed").index(role)]
            if status != expected:
                wrong.append(f"{role} POST {url} ({key}): {status}, not {expected}")
            if (role == "anonymous" or key not in MAY_CHANGE) and _changes() != before:
                wrong.append(f"{role} POST {url} ({key}) changed what is stored")
    assert not wrong, "\n".join(wrong)
