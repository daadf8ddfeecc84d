"""Claims: one per target, helpers, release and reassignment, stale expiry, privacy."""

from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from requests_app.models import Claim, ClaimHelper, TargetActivity
from requests_app.services.claims import ClaimError, claim_create, stale_claims_review
from tests.concurrency import at_once
from tests.conftest import REQUIRE_SERVICES
from tests.factories import CampaignFactory, ClaimFactory, PoliceServiceFactory, UserFactory
from tests.mail import delivered_by_the_worker, sent_mail

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def service(db):
    return PoliceServiceFactory(name_en="Barrie Police Service", slug="barrie-police-service")


@pytest.fixture
def alices_claim(alice, campaign, service):
    return claim_create(campaign=campaign, service=service, volunteer=alice)


def claim_url(service):
    return f"/services/{service.slug}/claim/"


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Claiming ------------------------------------------------------------------------------


def test_a_volunteer_claims_a_target_from_its_page(client, alice, campaign, service):
    client.force_login(alice)
    response = client.post(claim_url(service), {"campaign": campaign.slug}, follow=True)
    assert "You claimed Barrie Police Service" in " ".join(messages_of(response))
    claim = Claim.objects.active().get()
    assert (claim.volunteer, claim.police_service, claim.campaign) == (alice, service, campaign)
    activity = TargetActivity.objects.get()
    assert (activity.kind, activity.actor) == ("claimed", alice)


def test_a_claimed_target_refuses_a_second_volunteer_with_a_clear_message(
    client, bob, alices_claim, campaign, service
):
    alices_claim.claimed_at = datetime(2026, 11, 12, 9, 0, tzinfo=TORONTO)
    alices_claim.save()
    client.force_login(bob)
    response = client.post(claim_url(service), {"campaign": campaign.slug}, follow=True)
    assert messages_of(response) == [
        "Already claimed by another volunteer on 12 Nov; you can offer to help."
    ]
    assert Claim.objects.count() == 1


def test_the_database_allows_one_active_claim_per_target(alices_claim, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            campaign=alices_claim.campaign,
            police_service=alices_claim.police_service,
            volunteer=bob,
        )


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("inactive service", "is no longer active"),
        ("ended campaign", "is not open"),
        ("inactive campaign", "is not open"),
        ("over the cap", "the most one volunteer may hold"),
    ],
)
def test_a_claim_that_breaks_a_rule_changes_nothing(
    alice, campaign, service, settings, situation, message
):
    if situation == "inactive service":
        service.active = False
        service.save()
    elif situation == "ended campaign":
        campaign.ends_on = campaign.starts_on
        campaign.save()
    elif situation == "inactive campaign":
        campaign.active = False
        campaign.save()
    else:
        settings.CLAIM_CAP = 2
        for _ in range(2):
            claim_create(campaign=campaign, service=PoliceServiceFactory(), volunteer=alice)
    before = Claim.objects.count()
    with pytest.raises(ClaimError, match=message):
        claim_create(campaign=campaign, service=service, volunteer=alice)
    assert Claim.objects.count() == before
    assert not Claim.objects.filter(police_service=service).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_give_one_claim_and_clear_refusals():
    campaign = CampaignFactory()
    service = PoliceServiceFactory()
    volunteers = [UserFactory() for _ in range(8)]
    outcomes = at_once(
        [
            partial(claim_create, campaign=campaign, service=service, volunteer=volunteer)
            for volunteer in volunteers
        ],
        refusals=(ClaimError,),
    )
    assert outcomes.count("done") == 1
    refusals = [o for o in outcomes if o != "done"]
    assert len(refusals) == 7
    assert all(o.startswith("Already claimed by another volunteer on") for o in refusals)
    assert Claim.objects.count() == 1


# --- Permissions for every claim action -----------------------------------------------------


def release(client, claim, reason="Moving away"):
    return client.post(f"/claims/{claim.pk}/release/", {"reason": reason})


def test_anonymous_visitors_are_sent_to_log_in_for_every_claim_action(
    client, alices_claim, service
):
    urls = [
        claim_url(service),
        f"/claims/{alices_claim.pk}/release/",
        f"/claims/{alices_claim.pk}/reassign/",
        f"/claims/{alices_claim.pk}/help/",
        f"/claims/{alices_claim.pk}/helpers/1/accept/",
    ]
    for url in urls:
        response = client.post(url, {"campaign": "alpr-records", "reason": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.get("/me/").status_code == 302
    assert Claim.objects.active().get() == alices_claim


def test_claim_actions_are_post_only(client, alice, alices_claim, service):
    client.force_login(alice)
    assert client.get(claim_url(service)).status_code == 405
    assert client.get(f"/claims/{alices_claim.pk}/release/").status_code == 405


def test_the_claimant_releases_with_a_reason(client, alice, alices_claim):
    client.force_login(alice)
    release(client, alices_claim, reason="")
    assert Claim.objects.active().exists()  # a reason is required
    release(client, alices_claim)
    alices_claim.refresh_from_db()
    assert alices_claim.ending == "released"
    assert alices_claim.ending_reason == "Moving away"
    assert TargetActivity.objects.filter(kind="released", actor=alice).exists()


def test_another_volunteer_cannot_release_or_reassign(client, bob, alices_claim):
    client.force_login(bob)
    assert release(client, alices_claim).status_code == 403
    assert release(client, alices_claim, reason="").status_code == 403
    response = client.post(
        f"/claims/{alices_claim.pk}/reassign/", {"email": "bob@example.org", "reason": "mine"}
    )
    assert response.status_code == 403
    assert Claim.objects.active().get().volunteer == alices_claim.volunteer


def test_an_organizer_releases_any_claim_and_the_volunteer_is_told(
    client, olivia, alices_claim, django_capture_on_commit_callbacks
):
    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        release(client, alices_claim, reason="No activity for a month")
    alices_claim.refresh_from_db()
    assert alices_claim.ending == "organizer"
    assert sent_mail()[-1].to == ["alice@example.org"]
    assert "No activity for a month" in sent_mail()[-1].body


def test_an_organizer_reassigns_a_target(
    client, olivia, bob, alices_claim, django_capture_on_commit_callbacks
):
    client.force_login(olivia)
    client.post(
        f"/claims/{alices_claim.pk}/reassign/", {"email": "nobody@example.org", "reason": "x"}
    )
    assert Claim.objects.active().get() == alices_claim  # unknown address: nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/claims/{alices_claim.pk}/reassign/",
            {"email": "BOB@example.org", "reason": "Bob is local"},
        )
    active = Claim.objects.active().get()
    assert active.volunteer == bob
    alices_claim.refresh_from_db()
    assert alices_claim.ending == "reassigned"
    assert TargetActivity.objects.filter(kind="reassigned", subject=bob, actor=olivia).exists()
    assert [m.to for m in sent_mail()] == [["alice@example.org"], ["bob@example.org"]]
    assert "Bob is local" in sent_mail()[0].body


def test_helpers_offer_and_only_the_claimant_decides(
    client, alice, bob, olivia, alices_claim, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(f"/claims/{alices_claim.pk}/help/", {"message": "me too"})
    assert not ClaimHelper.objects.exists()  # the claimant cannot help themself

    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/claims/{alices_claim.pk}/help/", {"message": "I live there"})
    offer = ClaimHelper.objects.get()
    assert sent_mail()[-1].to == ["alice@example.org"]
    assert "I live there" in sent_mail()[-1].body
    client.post(f"/claims/{alices_claim.pk}/help/", {})
    assert ClaimHelper.objects.count() == 1

    decide = f"/claims/{alices_claim.pk}/helpers/{offer.pk}/accept/"
    assert client.post(decide).status_code == 403  # bob cannot accept his own offer
    client.force_login(olivia)
    assert client.post(decide).status_code == 403  # the claimant decides, not organizers
    client.force_login(alice)
    assert client.post(f"/claims/{alices_claim.pk}/helpers/{offer.pk}/maybe/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide)
    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert sent_mail()[-1].to == ["bob@example.org"]

    client.force_login(bob)
    page = client.get("/me/")
    assert [row["claim"] for row in page.context["targets"]] == [alices_claim]
    assert page.context["targets"][0]["is_claimant"] is False


# --- Stale claims ----------------------------------------------------------------------------


def review_on(day):
    with time_machine.travel(datetime(*day, 6, 0, tzinfo=TORONTO), tick=False):
        return stale_claims_review(today=date(*day))


def test_an_unfiled_claim_is_reminded_at_n_minus_3_days_and_released_on_day_n(
    alice, campaign, service, settings
):
    settings.CLAIM_STALE_DAYS = 14
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim = claim_create(campaign=campaign, service=service, volunteer=alice)

    assert review_on((2026, 11, 11)).reminded == []
    assert review_on((2026, 11, 12)).reminded == [claim.pk]
    assert len(sent_mail()) == 1
    assert "Barrie Police Service" in sent_mail()[0].subject
    assert "15 November 2026" in sent_mail()[0].body
    # A second run the same day, and the next day, sends nothing more.
    assert review_on((2026, 11, 12)).reminded == []
    assert review_on((2026, 11, 14)).expired == []
    assert len(sent_mail()) == 1

    assert review_on((2026, 11, 15)).expired == [claim.pk]
    claim.refresh_from_db()
    assert claim.ending == "expired"
    assert len(sent_mail()) == 2
    assert review_on((2026, 11, 15)).expired == []
    assert len(sent_mail()) == 2
    kinds = list(TargetActivity.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["claimed", "reminded", "expired"]


def test_a_claim_with_a_filed_request_never_expires(alice, campaign, service, settings):
    from requests_app.models import AccessRequest

    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim = claim_create(campaign=campaign, service=service, volunteer=alice)
    AccessRequest.objects.create(
        campaign=campaign, police_service=service, claim=claim, volunteer=alice,
        regime=service.regime, filed_on=date(2026, 11, 3), status="filed",
    )  # fmt: skip
    assert review_on((2026, 12, 31)).expired == []
    assert sent_mail() == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_runs_through_the_worker(celery_worker_ready, settings):
    from requests_app.tasks import claims_review_stale

    alice = UserFactory(email="alice.worker@example.org")
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim = ClaimFactory(volunteer=alice)
    result = claims_review_stale.delay("2026-11-20").get(timeout=60)
    assert result == {"reminded": [], "expired": [claim.pk]}
    claim.refresh_from_db()
    assert claim.ending == "expired"
    again = claims_review_stale.delay("2026-11-20").get(timeout=60)
    assert again == {"reminded": [], "expired": []}
    if REQUIRE_SERVICES:
        # The worker sent the e-mail through Django's file backend, into CI's mail folder.
        sent = delivered_by_the_worker(settings.EMAIL_FILE_PATH, "alice.worker@example.org")
        assert sent.count("To: alice.worker@example.org") == 1
    else:
        assert sent_mail()[-1].to == ["alice.worker@example.org"]


# --- Pages and privacy ------------------------------------------------------------------------


def test_pages_show_a_public_name_and_never_an_email_address(
    client, bob, alice, alices_claim, service
):
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Claimed by a volunteer on" in page
    assert "alice@example.org" not in page
    alice.show_name_publicly = True
    alice.save()
    client.force_login(bob)
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Claimed by Alice A. on" in page
    assert "alice@example.org" not in page


def test_a_volunteer_chooses_a_public_name(client, alice):
    client.force_login(alice)
    client.post(
        "/me/profile/", {"display_name": "Al", "show_name_publicly": "on", "language": "fr"}
    )
    alice.refresh_from_db()
    assert (alice.display_name, alice.show_name_publicly, alice.public_name) == ("Al", True, "Al")
    assert alice.language == "fr"


def test_my_targets_lists_the_next_action_and_its_deadline(
    client, alice, bob, campaign, service, settings
):
    settings.CLAIM_STALE_DAYS = 14
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim_create(campaign=campaign, service=service, volunteer=alice)
    client.force_login(alice)
    row = client.get("/me/").context["targets"][0]
    assert row["action"].text == "Send the letter"
    assert row["action"].deadline == date(2026, 11, 15)
    client.force_login(bob)
    assert client.get("/me/").context["targets"] == []


def test_the_directory_shows_each_targets_status_and_a_claim_button(
    client, alice, alices_claim, campaign
):
    other = PoliceServiceFactory(name_en="Guelph Police Service")
    client.force_login(alice)
    statuses = {}
    for name in ("Barrie", "Guelph"):  # the directory shows a page of services at a time
        response = client.get("/directory/", {"q": name})
        statuses.update({row["service"].slug: row["status"] for row in response.context["rows"]})
    assert statuses[alices_claim.police_service.slug] == "claimed"
    assert statuses[other.slug] == "unclaimed"
    assert f'action="/services/{other.slug}/claim/"' in response.content.decode()


def test_the_history_is_append_only(alices_claim):
    activity = TargetActivity.objects.get()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        activity.save()
    with pytest.raises(ValidationError):
        activity.delete()


def test_reminders_go_out_in_the_volunteers_language(alice, campaign, service, settings):
    alice.language = "fr"
    alice.save()
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=TORONTO), tick=False):
        claim_create(campaign=campaign, service=service, volunteer=alice)
    review_on((2026, 11, 12))
    assert sent_mail()[0].subject.startswith("Rappel")
    assert "15 novembre 2026" in sent_mail()[0].body


def test_why_a_claim_ended_is_shown_only_to_the_people_on_it_and_organizers(
    client, alice, bob, olivia, alices_claim, service
):
    release(Client(), alices_claim)  # not logged in: refused
    client.force_login(alice)
    release(client, alices_claim, reason="Personal reasons")
    claim = claim_create(campaign=alices_claim.campaign, service=service, volunteer=bob)
    client.force_login(olivia)
    assert "Personal reasons" in client.get(service.get_absolute_url()).content.decode()
    client.force_login(bob)  # now on the target
    assert "Personal reasons" in client.get(service.get_absolute_url()).content.decode()
    client.logout()
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Personal reasons" not in page
    assert claim.pk
