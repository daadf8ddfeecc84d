"""Each rule has one home: who works on a target, what "overdue" and "covered" mean. These
pin the behaviours that moved when the copies were merged."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from requests_app import selectors
from requests_app.models import AccessRequest, Claim, PoliceService
from requests_app.services.claims import claim_create, claim_help_decide, claim_help_offer
from requests_app.services.reminders import calendar_token_renew, digest_items
from requests_app.services.requests import request_file, request_status_record
from tests.factories import UserFactory

TORONTO = ZoneInfo("America/Toronto")


pytestmark = pytest.mark.usefixtures("frozen_26_november")


def filed(volunteer, slug, alpr, filed_on=date(2026, 11, 3)):
    service = PoliceService.objects.get(slug=slug)
    claim_create(campaign=alpr, service=service, volunteer=volunteer)
    return request_file(campaign=alpr, service=service, volunteer=volunteer, filed_on=filed_on)


def test_who_works_on_a_target_reads_the_same_everywhere(alice, bob, olivia, alpr):
    request = filed(alice, "toronto-police-service", alpr)
    claim = Claim.objects.active().get()
    carol, dave = UserFactory(), UserFactory()
    for helper, accept in ((bob, True), (carol, False)):
        offer = claim_help_offer(claim=claim, volunteer=helper)
        claim_help_decide(helper=offer, by=alice, accept=accept)
    claim_help_offer(claim=claim, volunteer=dave)  # offered, not yet accepted
    claim = Claim.objects.with_team().get(pk=claim.pk)

    assert [p.pk for p in claim.team()] == [alice.pk, bob.pk]
    for person, works in ((alice, True), (bob, True), (carol, False), (dave, False)):
        assert claim.is_worked_on_by(person) is works
        assert Claim.objects.involving(person).filter(pk=claim.pk).exists() is works
        assert AccessRequest.objects.worked_on_by(person).filter(pk=request.pk).exists() is works
        assert request.is_open_to(person) is works
    # Organizers may act on every request without being on its team.
    assert request.is_open_to(olivia)
    assert not AccessRequest.objects.worked_on_by(olivia).exists()


def test_an_organizers_calendar_lists_only_the_requests_they_work_on(client, alice, olivia, alpr):
    filed(alice, "rcmp-e-division-british-columbia", alpr)
    own = filed(olivia, "toronto-police-service", alpr)
    body = client.get(f"/calendar/{calendar_token_renew(olivia)}.ics").content.decode()
    assert "Answer due: Toronto Police Service" in body
    assert "RCMP" not in body
    assert own.due_on.strftime("%Y%m%d") in body


def test_the_digest_makes_the_same_queries_for_any_number_of_requests(
    alpr, django_assert_num_queries
):
    slugs = list(
        PoliceService.objects.filter(regime__code="CA-FED-ATIA").values_list("slug", flat=True)
    )
    today = date(2026, 11, 30)  # federal requests received 3 Nov are due 3 Dec
    for slug in slugs[:2]:
        filed(UserFactory(), slug, alpr)
    with django_assert_num_queries(7) as few:
        assert len(digest_items(today)) == 2
    for slug in slugs[2:8]:
        filed(UserFactory(), slug, alpr)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(digest_items(today)) == 8


def test_overdue_and_newly_overdue_are_one_rule(alice, alpr):
    request = filed(alice, "toronto-police-service", alpr, filed_on=date(2026, 10, 1))
    due = request.due_on
    for today, overdue, newly in (
        (due, False, False),
        (date.fromordinal(due.toordinal() + 1), True, True),
        (date.fromordinal(due.toordinal() + 2), True, False),
    ):
        assert request.is_overdue(today) is overdue
        assert AccessRequest.objects.overdue(today).filter(pk=request.pk).exists() is overdue
        assert AccessRequest.objects.newly_overdue(today).filter(pk=request.pk).exists() is newly
    request_status_record(
        request=request, status="refused", occurred_on=date(2026, 11, 20), by=alice
    )
    request.refresh_from_db()
    later = date.fromordinal(due.toordinal() + 5)
    assert not request.is_overdue(later)  # answered: no longer waiting
    assert not AccessRequest.objects.overdue(later).exists()


def test_target_statuses_rank_each_target_by_its_most_advanced_request(alice, bob, alpr):
    toronto = filed(alice, "toronto-police-service", alpr, filed_on=date(2026, 9, 1))
    ottawa = filed(bob, "ottawa-police-service", alpr, filed_on=date(2026, 11, 20))
    claim_create(
        campaign=alpr, service=PoliceService.objects.get(slug="peel-regional-police"), volunteer=bob
    )
    statuses = selectors.target_statuses(alpr)
    assert statuses[toronto.police_service_id] == "overdue"
    assert statuses[ottawa.police_service_id] == "filed"
    assert statuses[PoliceService.objects.get(slug="peel-regional-police").pk] == "claimed"
    request_status_record(
        request=toronto, status="full_release", occurred_on=date(2026, 11, 25), by=alice
    )
    assert selectors.target_statuses(alpr)[toronto.police_service_id] == "released"
    ontario = next(r for r in selectors.coverage_by_province(alpr) if r["province"] == "ON")
    assert ontario["covered"] == 3
    assert ontario["unclaimed"] == ontario["services"] - 3


def test_the_statuses_in_sql_follow_the_rule_on_loaded_requests(db):
    """`target_statuses` ranks in one grouped query what this reads request by request: the
    furthest any of a target's requests went (an appeal taken to the commissioner, records
    released, overdue, filed), else claimed while someone holds it, else unclaimed."""
    from random import Random

    from requests_app.models import Appeal
    from requests_app.models.appeals import Stage
    from requests_app.models.requests import Status
    from tests.factories import CampaignFactory, ClaimFactory, PoliceServiceFactory

    today = date(2026, 11, 26)
    randomly = Random(18)
    campaign, volunteer = CampaignFactory(), UserFactory()
    finished = [Status.CLOSED, Status.ABANDONED]
    for _target in range(60):
        service = PoliceServiceFactory()
        if randomly.random() < 0.6:
            ClaimFactory(campaign=campaign, police_service=service, volunteer=volunteer)
        # At most one request going per target, and any number closed or abandoned.
        going = [randomly.choice([s for s in Status if s not in finished])]
        for status in going[: randomly.randint(0, 1)] + randomly.choices(
            finished, k=randomly.randint(0, 2)
        ):
            request = AccessRequest.objects.create(
                campaign=campaign,
                police_service=service,
                volunteer=volunteer,
                regime=service.regime,
                status=status,
                filed_on=None if status == Status.DRAFTED else date(2026, 9, 1),
                due_on=today + timedelta(days=randomly.choice([-3, -1, 0, 1, 5])),
            )
            if randomly.random() < 0.2:
                Appeal.objects.create(
                    request=request, basis="decision", opened_by=volunteer, decision_on=today,
                    stage=randomly.choice(list(Stage)),
                )  # fmt: skip

    def status_of(service) -> str:
        requests = [r for r in service.requests.all() if r.filed_on is not None]
        taken = [Stage.DRAFTING, Stage.WITHDRAWN]
        if any(a.stage not in taken for r in requests for a in r.appeals.all()):
            return "appealed"
        if any(r.status in (Status.PARTIAL_RELEASE, Status.FULL_RELEASE) for r in requests):
            return "released"
        if any(r.is_overdue(today) for r in requests):
            return "overdue"
        if requests:
            return "filed"
        return "claimed" if Claim.objects.active().filter(police_service=service) else "unclaimed"

    services = PoliceService.objects.prefetch_related("requests__appeals")
    expected = {service.pk: status_of(service) for service in services}
    statuses = selectors.target_statuses(campaign)  # on the frozen day
    assert {pk: statuses.get(pk, "unclaimed") for pk in expected} == expected
    assert set(expected.values()) == {
        "unclaimed", "claimed", "filed", "overdue", "released", "appealed",
    }  # fmt: skip
