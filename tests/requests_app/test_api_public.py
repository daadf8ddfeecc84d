"""The API's open data: what each public endpoint shows (and never shows), its filters and
ordering, and lists whose queries do not grow with the page size."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app.models import Appeal, FindingField, PoliceService, RegimeRuleSet, Release
from requests_app.selectors import coverage_by_province
from requests_app.services.claims import claim_create
from requests_app.services.releases import release_decide
from tests.api import assert_constant_queries, client_as
from tests.factories import CampaignFactory
from tests.maps_app.conftest import make_finding, make_release

TORONTO = "toronto-police-service"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def service(slug):
    return PoliceService.objects.get(slug=slug)


def ontario(count):
    return list(PoliceService.objects.filter(province="ON", active=True).order_by("slug")[:count])


# --- The directory ------------------------------------------------------------------------------


def test_laws_show_their_facts_and_time_rules_but_not_the_research(
    directory, django_assert_num_queries
):
    client = client_as(None)
    federal = client.get("/api/v1/regimes/CA-FED-ATIA/").json()
    assert federal["appeal_body_en"].startswith("Information Commissioner")
    assert "notes" not in federal and all("notes" not in r for r in federal["rule_sets"])
    assert all("unconfirmed" not in r for r in federal["rule_sets"])
    research = RegimeRuleSet.objects.filter(regime__code="CA-FED-ATIA").exclude(unconfirmed="")
    assert research.exists()
    assert research.first().unconfirmed not in json.dumps(federal)
    assert all(url.startswith("http") for url in federal["sources"])
    quebec = client.get("/api/v1/regimes/", {"jurisdiction": "QC"}).json()["results"]
    assert {r["jurisdiction"] for r in quebec} == {"QC"}
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/regimes/", rows=8)


def test_services_show_their_campaign_status_and_the_municipalities_they_police(
    alpr, alice, frozen_26_november
):
    claim_create(campaign=alpr, service=service(TORONTO), volunteer=alice)
    client = client_as(None)
    toronto = client.get(f"/api/v1/services/{TORONTO}/").json()
    assert (toronto["status"], toronto["regime"], toronto["url"]) == (
        "claimed",
        "ON-MFIPPA",
        f"/services/{TORONTO}/",
    )
    waterloo = client.get("/api/v1/services/waterloo-regional-police-service/").json()
    assert {"cambridge-on", "kitchener-on", "waterloo-on"} <= {
        m["slug"] for m in waterloo["municipalities"]
    }
    # A search finds a service by a municipality it polices, as the directory page does.
    found = client.get("/api/v1/services/", {"q": "Cambridge"}).json()["results"]
    assert "waterloo-regional-police-service" in [s["slug"] for s in found]
    claimed = client.get("/api/v1/services/", {"status": "claimed"}).json()
    assert [s["slug"] for s in claimed["results"]] == [TORONTO]
    unclaimed = client.get("/api/v1/services/", {"status": "unclaimed", "province": "ON"}).json()
    assert TORONTO not in [s["slug"] for s in unclaimed["results"]]
    assert unclaimed["count"] == PoliceService.objects.filter(province="ON").count() - 1


def test_a_services_research_notes_stay_with_organizers(directory):
    durham = service("durham-regional-police-service")
    assert durham.notes
    data = client_as(None).get(f"/api/v1/services/{durham.slug}/").json()
    assert "notes" not in data
    assert durham.notes not in json.dumps(data)
    facts = {fact["name"]: fact for fact in data["filing_facts"]}
    portal = facts["foi_portal_url"]
    assert portal["known"] and portal["source"].startswith("https://")


def test_services_filter_by_kind_and_update_and_sort(directory, django_assert_num_queries):
    client = client_as(None)
    regional = client.get("/api/v1/services/", {"kind": "regional", "province": "ON"}).json()
    assert regional["count"] and {s["kind"] for s in regional["results"]} == {"regional"}
    PoliceService.objects.filter(slug=TORONTO).update(
        updated_at=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))
    )
    since = client.get("/api/v1/services/", {"updated_since": "2029-12-31"}).json()
    assert [s["slug"] for s in since["results"]] == [TORONTO]
    names = [
        s["name_en"]
        for s in client.get("/api/v1/services/", {"province": "ON", "ordering": "-name_en"}).json()[
            "results"
        ]
    ]
    assert names == sorted(names, reverse=True)
    bad = client.get("/api/v1/services/", {"province": "XX", "updated_since": "soon"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"province", "updated_since"}
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/services/", rows=20)


# --- Releases, findings, appeals ------------------------------------------------------------------


@pytest.fixture
def published(alpr, alice):
    """Ten approved releases of ten Ontario services, each with two findings, and one
    release waiting for review."""
    releases = []
    for target in ontario(10):
        release = make_release(campaign=alpr, service=target, volunteer=alice)
        make_finding(release=release, field=FindingField.FIXED_CAMERAS, number=3, by=alice)
        make_finding(release=release, field=FindingField.VENDORS, text="genetec", by=alice)
        releases.append(release)
    pending = make_release(
        campaign=alpr,
        service=service("ottawa-police-service"),
        volunteer=alice,
        moderation=Release.Moderation.PENDING,
    )
    make_finding(release=pending, field=FindingField.FIXED_CAMERAS, number=99, by=alice)
    return releases, pending


def test_an_unapproved_release_and_its_findings_never_appear(published, bob):
    releases, pending = published
    for client in (client_as(None), client_as(bob), client_as(bob, token=True)):
        listed = client.get("/api/v1/releases/", {"page_size": 50}).json()["results"]
        assert {r["id"] for r in listed} == {r.pk for r in releases}
        assert client.get(f"/api/v1/releases/{pending.pk}/").status_code == 404
        findings = client.get("/api/v1/findings/", {"page_size": 50}).json()["results"]
        assert "ottawa-police-service" not in {f["police_service"] for f in findings}
        assert all(f["value"] != 99 for f in findings)
    one = client_as(None).get(f"/api/v1/releases/{releases[0].pk}/").json()
    assert one["original_name"] is None  # a file's own name is for its team
    assert one["file_url"] == f"/releases/{releases[0].pk}/file/"
    assert one["demo"] is False


def test_findings_filter_by_vendor_province_and_publication(published, olivia, alice):
    releases, _pending = published
    client = client_as(None)
    assert client.get("/api/v1/findings/", {"vendor": "flock"}).json()["count"] == 0
    assert client.get("/api/v1/findings/", {"vendor": "genetec"}).json()["count"] == 20
    assert client.get("/api/v1/findings/", {"province": "QC"}).json()["count"] == 0
    cameras = client.get("/api/v1/findings/", {"field": "fixed_cameras"}).json()["results"]
    assert {f["value"] for f in cameras} == {3}
    # A finding published by a later approval counts as new since then.
    late = make_release(
        campaign=releases[0].request.campaign,
        service=service("peel-regional-police"),
        volunteer=alice,
        moderation=Release.Moderation.PENDING,
    )
    make_finding(release=late, field=FindingField.MOBILE_UNITS, number=4, by=alice)
    with time_machine.travel(datetime(2031, 1, 1, tzinfo=ZoneInfo("UTC"))):
        release_decide(release=late, by=olivia, decision="approved")
    new = client.get("/api/v1/findings/", {"updated_since": "2030-12-31T00:00:00Z"}).json()
    assert [(f["police_service"], f["value"]) for f in new["results"]] == [
        ("peel-regional-police", 4)
    ]
    newer = client.get("/api/v1/releases/", {"updated_since": "2030-12-31"}).json()["results"]
    assert [r["id"] for r in newer] == [late.pk]


def test_release_and_finding_lists_do_not_grow_in_queries(published, django_assert_num_queries):
    client = client_as(None)
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/releases/", rows=10)
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/findings/", rows=20)


def test_appeals_show_their_public_stage_and_outcome(published, alice, django_assert_num_queries):
    releases, _pending = published
    for release in releases:
        Appeal.objects.create(
            request=release.request,
            basis=Appeal.Basis.DECISION,
            decision_on=date(2026, 2, 1),
            stage="resolved",
            stage_on=date(2026, 6, 1),
            outcome="released",
            file_number="MA-secret",
            order_number="MO-1",
            opened_by=alice,
        )
    client = client_as(None)
    appeals = client.get("/api/v1/appeals/", {"outcome": "released"}).json()
    assert appeals["count"] == 10
    first = appeals["results"][0]
    assert (first["stage"], first["outcome"], first["order_number"]) == (
        "resolved",
        "released",
        "MO-1",
    )
    assert first["url"] == f"/requests/{first['request']}/"
    assert "MA-secret" not in json.dumps(appeals)
    assert client.get("/api/v1/appeals/", {"stage": "mediation"}).json()["count"] == 0
    assert_constant_queries(django_assert_num_queries, client, "/api/v1/appeals/", rows=10)


def test_demo_rows_appear_only_when_the_demo_is_chosen_and_are_marked(alpr, alice):
    demo = CampaignFactory(slug="demo", name="Demo", is_demo=True, starts_on=date(2026, 1, 1))
    make_release(campaign=demo, service=service(TORONTO), volunteer=alice)
    client = client_as(None)
    assert client.get("/api/v1/releases/").json()["results"] == []
    shown = client.get("/api/v1/releases/", {"campaign": "demo"}).json()["results"]
    assert [r["demo"] for r in shown] == [True]
    assert client.get("/api/v1/releases/", {"campaign": "no-such"}).status_code == 404


# --- Figures ------------------------------------------------------------------------------------


def test_the_campaign_figures_are_the_dashboards_coverage(alpr, alice, frozen_26_november):
    claim_create(campaign=alpr, service=service(TORONTO), volunteer=alice)
    figures = client_as(None).get("/api/v1/stats/").json()
    rows = coverage_by_province(alpr)
    assert figures["campaign"] == "alpr-records" and figures["demo"] is False
    assert figures["services"] == sum(row["services"] for row in rows)
    assert (figures["covered"], figures["statuses"]["claimed"]) == (1, 1)
    on = next(p for p in figures["provinces"] if p["province"] == "ON")
    assert (on["name"], on["covered"], on["statuses"]["claimed"]) == ("Ontario", 1, 1)
