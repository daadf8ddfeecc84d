"""Working together on a target: comments and who reads them, safe text, help wanted and
offers, watches with batched idempotent e-mails, unsubscribing, relayed team messages."""

import re
from contextlib import contextmanager
from datetime import date
from smtplib import SMTPException

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings

from requests_app.models import (
    ClaimHelper,
    Comment,
    HelpWanted,
    Notification,
    OutgoingEmail,
    PoliceService,
    Watch,
)
from requests_app.services.appeals import Ground, appeal_open, appeal_stage_record
from requests_app.services.claims import (
    claim_create,
    claim_help_decide,
    claim_help_offer,
    claim_release,
)
from requests_app.services.coordination import (
    comment_create,
    notify_watchers,
    team_message_send,
    watch_start,
)
from requests_app.services.notify import outgoing_emails_deliver
from requests_app.services.requests import request_file, request_status_record
from requests_app.tasks import notifications_send_batch, team_message_deliver
from tests.conftest import REQUIRE_SERVICES
from tests.factories import UserFactory
from tests.mail import delivered_by_the_worker, sent_mail

pytestmark = pytest.mark.usefixtures("frozen_26_november")

TODAY = date(2026, 11, 26)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise SMTPException("connection refused")


@pytest.fixture
def toronto(alpr):
    return PoliceService.objects.select_related("regime").get(slug="toronto-police-service")


@pytest.fixture
def claim(alice, alpr, toronto):
    return claim_create(campaign=alpr, service=toronto, volunteer=alice)


@pytest.fixture
def carol(db):
    """Alice's accepted co-volunteer."""
    return UserFactory(email="carol@example.org", display_name="Carol C.", show_name_publicly=True)


@pytest.fixture
def team(claim, alice, carol):
    claim_help_decide(helper=claim_help_offer(claim=claim, volunteer=carol), by=alice, accept=True)
    sent_mail().clear()  # the offer's and the answer's e-mails are not what these tests read
    return claim


@pytest.fixture
def access_request(team, alice, alpr, toronto):
    return request_file(campaign=alpr, service=toronto, volunteer=alice, filed_on=date(2026, 11, 2))


def comments_url(access_request):
    return f"/requests/{access_request.pk}/comments/"


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def panel(subject, user) -> str:
    """The comments panel of a request or an appeal as a page renders it for this viewer
    (anonymous when None)."""
    http_request = RequestFactory().get("/")
    http_request.user = user or AnonymousUser()
    template = Template("{% load coordination %}{% coordination_panel subject %}")
    return template.render(Context({"request": http_request, "subject": subject}))


@contextmanager
def queued_tasks(capture):
    """Run what a commit queues. On the embedded defaults the tasks run in-process at
    commit; in the services run they would go to the worker, which cannot see this test's
    uncommitted rows, so they run here instead (the worker test below covers the worker)."""
    with capture(execute=not REQUIRE_SERVICES) as queued:
        yield queued
    if REQUIRE_SERVICES:
        for callback in queued:
            with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
                callback()


def run_batch():
    notifications_send_batch()
    return {message.to[0]: message for message in sent_mail()}


# --- Who comments, who reads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "posted"),
    [
        ("alice", 302, True),  # the claimant
        ("carol", 302, True),  # an accepted helper
        ("olivia", 302, True),  # an organizer
        ("bob", 403, False),  # another volunteer
        (None, 302, False),  # anonymous: sent to log in
    ],
)
def test_the_team_and_organizers_comment_and_nobody_else(
    request, access_request, who, status, posted
):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(
        comments_url(access_request),
        {"body": "Called the office.", "visibility": "team", "format": "plain"},
    )
    assert response.status_code == status
    assert Comment.objects.filter(request=access_request).exists() is posted
    if who is None:
        assert response["Location"].startswith("/accounts/login/")


def test_team_only_comments_are_read_by_the_team_and_organizers_only(
    access_request, alice, carol, bob, olivia
):
    comment_create(
        subject=access_request,
        author=alice,
        body="Team secret: the clerk's cell",
        visibility="team",
    )
    comment_create(subject=access_request, author=carol, body="Filed on time.", visibility="public")
    for reader in (alice, carol, olivia):
        html = panel(access_request, reader)
        assert "Team secret" in html and "Filed on time." in html
    for outsider in (None, bob):
        html = panel(access_request, outsider)
        assert "Filed on time." in html
        assert "Team secret" not in html
        assert comments_url(access_request) not in html  # no comment form


def test_a_volunteer_who_leaves_the_target_stops_reading_team_comments(
    access_request, alice, carol
):
    comment_create(subject=access_request, author=alice, body="Team plan", visibility="team")
    ClaimHelper.objects.filter(volunteer=carol).update(status=ClaimHelper.Status.DECLINED)
    assert "Team plan" not in panel(access_request, carol)


def test_the_request_page_shows_the_comments_to_its_team(access_request, alice, carol):
    comment_create(subject=access_request, author=carol, body="Phoned them.", visibility="team")
    page = client_for(alice).get(access_request.get_absolute_url()).content.decode()
    assert "Phoned them." in page
    assert "Carol C." in page
    assert "carol@example.org" not in page


def test_an_organizer_hides_a_comment_and_nobody_else_can(access_request, alice, bob, olivia):
    comment = comment_create(
        subject=access_request, author=alice, body="Oops, a phone number", visibility="public"
    )
    url = f"/comments/{comment.pk}/hide/"
    assert client_for(alice).post(url).status_code == 403
    assert client_for(bob).post(url).status_code == 403
    assert client_for(olivia).post(url).status_code == 302
    assert "Oops" not in panel(access_request, alice)
    assert "Oops" not in panel(access_request, None)
    assert Comment.objects.filter(pk=comment.pk).exists()  # hidden, not deleted


# --- Text is shown as text -----------------------------------------------------------------------

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold** '
    "[click](javascript:alert(1)) [docs](https://example.org/a)"
)


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
def test_html_and_script_in_a_comment_are_shown_as_text(access_request, alice, fmt):
    comment_create(
        subject=access_request, author=alice, body=HOSTILE, visibility="public", format=fmt
    )
    for viewer in (alice, None):
        html = panel(access_request, viewer)
        assert "&lt;script&gt;alert(" in html and "&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<script" not in html
        assert "<img" not in html
        assert 'href="javascript' not in html


def test_markdown_comments_keep_the_safe_subset(access_request, alice):
    comment_create(
        subject=access_request,
        author=alice,
        body=HOSTILE + "\n\n- first\n- second\n\n> quoted",
        visibility="public",
        format="markdown",
    )
    html = panel(access_request, None)
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/a" rel="nofollow noopener ugc">docs</a>' in html
    assert "<li>first</li>" in html
    assert "<blockquote>" in html


def test_a_plain_comment_keeps_markdown_as_typed(access_request, alice):
    comment_create(subject=access_request, author=alice, body="**not bold**", visibility="public")
    html = panel(access_request, None)
    assert "**not bold**" in html
    assert "<strong>" not in html


# --- Watching and the batched e-mails -----------------------------------------------------------


def test_watchers_get_one_email_per_batch_and_a_second_run_sends_nothing(
    access_request, alice, carol, bob, olivia, toronto
):
    watch_start(user=bob, subject=access_request)  # not on the team
    watch_start(user=olivia, subject=toronto)  # an organizer watching the service
    watch_start(user=carol, subject=access_request)
    comment_create(subject=access_request, author=alice, body="Team news", visibility="team")
    comment_create(subject=access_request, author=alice, body="Public news", visibility="public")
    request_status_record(
        request=access_request,
        status="acknowledged",
        occurred_on=date(2026, 11, 20),
        by=alice,
        today=TODAY,
    )

    sent = run_batch()
    assert sorted(sent) == ["bob@example.org", "carol@example.org", "olivia@example.org"]
    bobs, olivias = sent["bob@example.org"].body, sent["olivia@example.org"].body
    assert "Public news" in bobs and "Acknowledged" in bobs
    assert "Team news" not in bobs  # team-only comments reach only the team and organizers
    assert "Team news" in olivias and "Public news" in olivias and "Acknowledged" in olivias
    assert sent["bob@example.org"].subject == "ALPR records: 2 updates on what you watch"
    assert "alice@example.org" not in bobs

    # Run again, or a retried task: nothing more goes out.
    run_batch()
    notifications_send_batch()
    assert len(sent_mail()) == 3


def test_the_author_is_not_told_of_their_own_comment_but_watches_from_then_on(
    access_request, alice, carol
):
    comment_create(subject=access_request, author=alice, body="First", visibility="team")
    assert Watch.objects.filter(user=alice, request=access_request).exists()
    assert run_batch() == {}
    comment_create(subject=access_request, author=carol, body="Reply", visibility="team")
    assert list(run_batch()) == ["alice@example.org"]


def test_an_event_announced_twice_is_told_once(access_request, alice, bob):
    watch_start(user=bob, subject=access_request)
    for _attempt in range(2):
        notify_watchers(subject=access_request, kind="stage", key="request-event-x", stage="filed")
    assert Notification.objects.filter(recipient=bob).count() == 1
    assert len(run_batch()) == 1


def test_a_batch_that_fails_to_send_goes_out_once_on_retry(access_request, alice, bob, settings):
    watch_start(user=bob, subject=access_request)
    comment_create(subject=access_request, author=alice, body="Hello", visibility="public")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    notifications_send_batch()
    assert outgoing_emails_deliver() == 0  # the server is down: the e-mail waits in the outbox
    (waiting,) = OutgoingEmail.objects.pending()
    assert waiting.attempts == 1 and "connection refused" in waiting.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_batch()
    run_batch()
    assert [m.to for m in sent_mail()] == [["bob@example.org"]]


def test_a_comment_queues_the_email_after_commit(
    access_request, alice, bob, django_capture_on_commit_callbacks
):
    watch_start(user=bob, subject=access_request)
    with queued_tasks(django_capture_on_commit_callbacks) as queued:
        client_for(alice).post(
            comments_url(access_request),
            {"body": "Now public", "visibility": "public", "format": "plain"},
        )
        assert mail.outbox == []  # nothing is sent before the commit
    assert queued
    assert [m.to for m in sent_mail()] == [["bob@example.org"]]


def test_the_emails_go_out_in_each_watchers_language(access_request, alice, bob):
    bob.language = "fr"
    bob.save()
    watch_start(user=bob, subject=access_request)
    comment_create(subject=access_request, author=alice, body="Bonjour", visibility="public")
    body = run_batch()["bob@example.org"].body
    assert "/fr/watching/stop/" in body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_batch_runs_through_the_worker_and_sends_once(celery_worker_ready, directory, settings):
    from requests_app.models import Campaign

    writer = UserFactory(email="writer.worker@example.org")
    reader = UserFactory(email="reader.worker@example.org")
    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="ottawa-police-service")
    claim_create(campaign=campaign, service=service, volunteer=writer, today=TODAY)
    filed = request_file(
        campaign=campaign, service=service, volunteer=writer, filed_on=date(2026, 11, 2)
    )
    watch_start(user=reader, subject=filed)
    # Committed at once here: on the embedded defaults the queued batch has already run.
    comment_create(subject=filed, author=writer, body="Through the worker", visibility="public")
    notifications_send_batch.delay().get(timeout=60)
    assert notifications_send_batch.delay().get(timeout=60) == []
    if REQUIRE_SERVICES:
        sent = delivered_by_the_worker(settings.EMAIL_FILE_PATH, "reader.worker@example.org")
        assert sent.count("To: reader.worker@example.org") == 1
    else:
        assert [m.to for m in sent_mail()] == [["reader.worker@example.org"]]


# --- Unsubscribing -------------------------------------------------------------------------------


def unsubscribe_link(body: str) -> str:
    return re.search(r"http://[^\s]+/watching/stop/[^\s]+/", body).group(0)


def test_the_unsubscribe_link_works_without_login_and_only_on_post(access_request, alice, bob):
    watch_start(user=bob, subject=access_request)
    comment_create(subject=access_request, author=alice, body="One", visibility="public")
    link = unsubscribe_link(run_batch()["bob@example.org"].body)
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)

    page = anonymous.get(f"/{path}")  # a mail scanner following the link changes nothing
    assert page.status_code == 200
    assert "Stop the e-mails about the request to Toronto Police Service?" in page.content.decode()
    assert Watch.objects.filter(user=bob).exists()

    assert anonymous.post(f"/{path}").status_code == 200
    assert not Watch.objects.filter(user=bob).exists()
    assert anonymous.post(f"/{path}").status_code == 200  # a second click is fine

    mail.outbox.clear()
    comment_create(subject=access_request, author=alice, body="Two", visibility="public")
    assert run_batch() == {}


def test_a_damaged_unsubscribe_link_stops_nothing(access_request, bob):
    watch_start(user=bob, subject=access_request)
    assert Client().post("/watching/stop/not-a-real-token/").status_code == 400
    assert Watch.objects.filter(user=bob).exists()


def test_watching_from_the_page(access_request, bob, toronto):
    client = client_for(bob)
    client.post(f"/requests/{access_request.pk}/watch/")
    client.post(f"/services/{toronto.slug}/watch/")
    assert Watch.objects.filter(user=bob).count() == 2
    client.post(f"/requests/{access_request.pk}/watch/", {"action": "stop"})
    assert list(Watch.objects.filter(user=bob).values_list("police_service", flat=True)) == [
        toronto.pk
    ]
    assert Client().post(f"/services/{toronto.slug}/watch/").status_code == 302  # to log in
    assert Watch.objects.count() == 1


# --- Help wanted ---------------------------------------------------------------------------------


def test_help_wanted_lists_public_facts_and_the_offer_goes_through_the_claim(
    access_request, alice, bob, django_capture_on_commit_callbacks
):
    response = client_for(alice).post(
        f"/requests/{access_request.pk}/help-wanted/",
        {"needed": "Someone who reads French to check the decision letter."},
    )
    assert response.status_code == 302

    page = Client().get("/help-wanted/").content.decode()
    assert "Toronto Police Service" in page
    assert "Someone who reads French" in page
    assert "alice@example.org" not in page and "Alice A." not in page
    assert "Log in to offer your help." in page

    bobs = client_for(bob)
    offer_button = ">Offer to help</button>"
    assert offer_button in bobs.get("/help-wanted/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        bobs.post(f"/claims/{access_request.claim_id}/help/", {"message": "Je lis le français."})
    offer = ClaimHelper.objects.get(volunteer=bob)
    assert sent_mail()[-1].to == ["alice@example.org"]  # the claimant decides

    client_for(alice).post(f"/claims/{access_request.claim_id}/helpers/{offer.pk}/accept/")
    assert access_request.is_open_to(bob)  # bob is on the team now and may comment
    assert offer_button not in bobs.get("/help-wanted/").content.decode()


def test_only_the_team_flags_and_closes_help_wanted(access_request, alice, bob):
    url = f"/requests/{access_request.pk}/help-wanted/"
    assert client_for(bob).post(url, {"needed": "Anything"}).status_code == 403
    client_for(alice).post(url, {"needed": "A second reader"})
    call = HelpWanted.objects.get()
    assert client_for(bob).post(f"/help-wanted/{call.pk}/close/").status_code == 403
    client_for(alice).post(f"/help-wanted/{call.pk}/close/")
    assert "A second reader" not in Client().get("/help-wanted/").content.decode()


def test_one_open_call_for_help_per_request(access_request, alice):
    client = client_for(alice)
    url = f"/requests/{access_request.pk}/help-wanted/"
    client.post(url, {"needed": "First"})
    response = client.post(url, {"needed": "Second"}, follow=True)
    assert "already on the help-wanted list" in response.content.decode()
    assert HelpWanted.objects.count() == 1


def test_a_target_nobody_holds_invites_a_claim(access_request, alice, bob):
    client_for(alice).post(f"/requests/{access_request.pk}/help-wanted/", {"needed": "Anyone"})
    claim_release(claim=access_request.claim, by=alice, reason="Moving away")
    page = client_for(bob).get("/help-wanted/").content.decode()
    assert "Nobody holds this target now" in page


# --- Appeals ------------------------------------------------------------------------------------


@pytest.fixture
def appeal(access_request, alice):
    request_status_record(
        request=access_request, status="refused", occurred_on=date(2026, 11, 20), by=alice
    )
    access_request.refresh_from_db()
    return appeal_open(
        request=access_request, by=alice, grounds=[Ground("exemption", section="s.8(1)(c)")]
    )


def test_the_team_comments_on_an_appeal_and_outsiders_read_its_public_comments(
    appeal, alice, carol, bob
):
    url = f"/appeals/{appeal.pk}/comments/"
    form = {"body": "Mediator called", "visibility": "team", "format": "plain"}
    assert client_for(bob).post(url, form).status_code == 403
    assert client_for(carol).post(url, form).status_code == 302
    comment_create(subject=appeal, author=alice, body="Filed with the IPC", visibility="public")
    assert set(appeal.comments.values_list("request", flat=True)) == {appeal.request_id}
    for outsider in (None, bob):
        html = panel(appeal, outsider)
        assert "Filed with the IPC" in html and "Mediator called" not in html
    assert "Mediator called" in panel(appeal, alice)
    # The request's own panel keeps to the request's comments.
    assert "Filed with the IPC" not in panel(appeal.request, alice)


def test_an_appeal_stage_reaches_the_watchers_of_the_appeal_request_and_service(
    appeal, alice, bob, olivia, toronto
):
    watch_start(user=bob, subject=appeal)
    watch_start(user=olivia, subject=toronto)
    appeal_stage_record(
        appeal=appeal, stage="filed", occurred_on=date(2026, 11, 25), by=alice, today=TODAY
    )
    sent = run_batch()
    assert sorted(sent) == ["bob@example.org", "olivia@example.org"]
    bobs = sent["bob@example.org"].body
    assert "Toronto Police Service (appeal): new step: Filed with the commissioner" in bobs
    assert "the appeal of the request to Toronto Police Service" in bobs


def test_the_public_pages_show_public_comments_only(appeal, alice, bob):
    comment_create(subject=appeal.request, author=alice, body="Team plan", visibility="team")
    comment_create(subject=appeal.request, author=alice, body="Sent today", visibility="public")
    comment_create(subject=appeal, author=alice, body="Appeal plan", visibility="team")
    comment_create(subject=appeal, author=alice, body="Appeal filed", visibility="public")
    for outsider in (None, bob):
        page = client_for(outsider).get(appeal.request.get_absolute_url()).content.decode()
        assert "Sent today" in page and "Appeal filed" in page
        assert "Team plan" not in page and "Appeal plan" not in page
    team_page = client_for(alice).get(appeal.get_absolute_url()).content.decode()
    assert "Appeal plan" in team_page and "Appeal filed" in team_page


def test_help_wanted_on_an_appeal(appeal, alice):
    client_for(alice).post(
        f"/appeals/{appeal.pk}/help-wanted/", {"needed": "Someone to draft the submissions"}
    )
    page = Client().get("/help-wanted/").content.decode()
    assert "Someone to draft the submissions" in page
    assert "Appeal: Drafting" in page


# --- Messages between the people on a target -----------------------------------------------------


def test_the_team_writes_to_each_other_without_seeing_addresses(
    access_request, alice, carol, django_capture_on_commit_callbacks
):
    url = f"/claims/{access_request.claim_id}/message/"
    with queued_tasks(django_capture_on_commit_callbacks):
        response = client_for(carol).post(url, {"recipient": alice.pk, "body": "Can you call?"})
    assert response.status_code == 302
    (message,) = sent_mail()
    assert message.to == ["alice@example.org"]
    assert "Carol C." in message.subject
    assert "Can you call?" in message.body
    assert "carol@example.org" not in message.body + message.subject + str(message.extra_headers)
    assert message.reply_to == []


def test_only_the_people_on_a_target_write_to_its_team(access_request, alice, bob):
    url = f"/claims/{access_request.claim_id}/message/"
    assert client_for(bob).post(url, {"recipient": alice.pk, "body": "Hi"}).status_code == 403
    assert sent_mail() == []


def test_a_relayed_message_is_sent_once_if_its_task_runs_twice(access_request, alice, carol):
    message = team_message_send(
        claim=access_request.claim, sender=alice, recipient=carol, body="Twice?"
    )
    assert team_message_deliver(message.pk) is True
    assert team_message_deliver(message.pk) is False
    assert len(sent_mail()) == 1
