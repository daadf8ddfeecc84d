"""The main journeys through the site, in Chromium, as people take them.

Each journey starts from the shipped directory and the real campaign, clicks and types as a
person would, and checks what the page shows them and what the database then holds. E-mails
are read from `mail.outbox` (the live server runs in this process).
"""

import re
from datetime import datetime, time, timedelta
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from maps_app.models import CameraLocation
from maps_app.selectors import STATUS_COLOURS
from requests_app.models import AccessRequest, Campaign, Claim, Finding, PoliceService, User
from requests_app.roles import organizer_grant
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file
from tests.campaign.test_french_pages import english_sentences
from tests.documents import pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def campaign(directory):
    return Campaign.objects.get(slug="alpr-records")


@pytest.fixture
def people(directory):
    """alice and bob volunteer; olivia organizes."""
    alice = UserFactory(email="alice@example.org", display_name="Alice A.")
    bob = UserFactory(email="bob@example.org", display_name="Bob B.")
    olivia = UserFactory(email="olivia@example.org", display_name="Olivia O.")
    organizer_grant(olivia)
    return alice, bob, olivia


def filed_request(campaign, slug, volunteer) -> AccessRequest:
    service = PoliceService.objects.get(slug=slug)
    claim_create(campaign=campaign, service=service, volunteer=volunteer)
    return request_file(
        campaign=campaign, service=service, volunteer=volunteer, filed_on=timezone.localdate()
    )


def path_in(message) -> str:
    """The site address an e-mail links to, without its scheme and host."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def mails_to(address: str, *, count: int = 1) -> list:
    """The e-mails sent to this address, once `count` of them are there: the live server
    delivers the outbox just after its response, so a page may show before they are sent."""
    deadline = monotonic() + 5
    while True:
        found = [m for m in mail.outbox if m.to == [address]]
        if len(found) >= count or monotonic() > deadline:
            return found
        sleep(0.05)


def sign_up(browsing, page, email: str) -> None:
    """Fill the sign-up form and confirm the address with the link e-mailed."""
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    (confirmation,) = mails_to(email)
    page.goto(browsing.url(path_in(confirmation)))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("details.menu")).to_be_visible()  # signed in


def search_the_directory(page, label: str, button: str, town: str, service: str) -> None:
    page.get_by_label(label).fill(town)
    page.get_by_role("button", name=button, exact=True).click()
    row = page.locator("tbody tr", has_text=service)
    expect(row).to_contain_text(town)
    row.get_by_role("link", name=service).click()


def test_a_newcomer_signs_up_claims_downloads_the_letter_files_and_sees_the_due_date(
    browsing, campaign
):
    page = browsing.page()
    page.goto(browsing.url("/"))
    page.locator("header").get_by_role("link", name="Sign up").click()
    sign_up(browsing, page, "newcomer@example.org")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    search_the_directory(
        page, "Name, municipality or province", "Filter", "Mississauga", "Peel Regional Police"
    )
    page.get_by_role("button", name="Claim this police service").click()
    expect(page.locator(".messages")).to_be_visible()
    page.get_by_role("link", name="Get the request letter").click()

    # The letter in French, as text, then in English, as a Word document.
    page.get_by_label("Your name").fill("Nora Newcomer")
    page.get_by_label("Language of the letter").select_option("fr")
    with page.expect_download() as french:
        page.get_by_role("button", name="Download as text").click()
    assert french.value.suggested_filename.endswith(".txt")
    text = french.value.path().read_text(encoding="utf-8")
    assert "Objet : Demande d'accès" in text and "Peel" in text
    page.get_by_label("Language of the letter").select_option("en")
    with page.expect_download() as english:
        page.get_by_role("button", name="Download as Word (.docx)").click()
    assert english.value.suggested_filename.endswith(".docx")
    paragraphs = [p.text for p in docx.Document(english.value.path()).paragraphs]
    assert any(p.startswith("Re: Access to information request") for p in paragraphs)

    page.get_by_role("button", name="Show the letter").click()
    expect(page.locator("#letter-text")).to_contain_text("Re: Access to information request")
    page.get_by_role("button", name="Log the request as filed").click()
    expect(page.locator(".messages")).to_contain_text("The request is logged as filed.")

    filed = AccessRequest.objects.get(police_service__slug="peel-regional-police")
    assert filed.volunteer.email == "newcomer@example.org"
    assert "Re: Access to information request" in filed.letter_text
    assert filed.due_on is not None
    page.locator("details.menu summary").click()
    page.get_by_role("link", name="My targets").click()
    row = page.locator("tbody tr", has_text="Peel Regional Police")
    expect(row.locator("time")).to_have_attribute("datetime", filed.due_on.isoformat())


def test_an_overdue_request_is_appealed_and_a_second_volunteer_helps(browsing, campaign, people):
    alice, bob, _olivia = people
    silent = filed_request(campaign, "peel-regional-police", alice)
    # Three days past the due date, in the site's time zone; the live server runs in this
    # process, so it lives on the shifted clock too.
    after = silent.due_on + timedelta(days=3)
    with time_machine.travel(datetime.combine(after, time(10), ZoneInfo(settings.TIME_ZONE))):
        first = browsing.page(user=alice)
        first.goto(browsing.url(silent.get_absolute_url()))
        expect(first.locator("main")).to_contain_text("deemed refusal")
        first.get_by_text("Open an appeal").click()
        first.get_by_label("No answer in time (deemed refusal)").check()
        first.get_by_role("button", name="Open the appeal").click()
        expect(first.locator(".messages")).to_contain_text("The appeal is opened.")
        appeal = silent.appeals.get()

        first.get_by_role("button", name="Write the letter").click()
        letter = first.locator("#appeal-letter-text")
        expect(letter).to_contain_text(silent.regime.appeal_body)
        first.get_by_text("Ask for help").click()
        first.get_by_label("What help is needed").fill("Someone who has filed an IPC appeal")
        first.get_by_role("button", name="List it on the help-wanted page").click()
        expect(first.locator(".coordination")).to_contain_text("Someone who has filed")
        first.get_by_role("button", name="Watch this appeal").click()
        expect(first.get_by_role("button", name="Stop watching this appeal")).to_be_visible()

        second = browsing.page(user=bob)
        second.goto(browsing.url("/"))
        second.get_by_role("link", name="Help wanted").first.click()
        call = second.locator(".help-wanted li", has_text="Peel Regional Police")
        call.get_by_label("Message to the volunteer (optional)").fill("I filed two last year.")
        call.get_by_role("button", name="Offer to help").click()
        expect(second.locator(".messages")).to_be_visible()
        (offer,) = mails_to("alice@example.org")
        assert "offers to help with Peel Regional Police" in offer.subject

        first.goto(browsing.url("/services/peel-regional-police/"))
        first.get_by_role("button", name="Accept").click()
        expect(first.locator(".messages")).to_be_visible()
        (accepted,) = mails_to("bob@example.org")
        second.goto(browsing.url(path_in(accepted)))  # "It now appears on your targets page"
        second.get_by_role("link", name="Peel Regional Police").click()
        second.get_by_role("link", name=re.compile("^Request sent")).click()
        second.get_by_role("link", name=appeal.get_basis_display()).click()
        second.get_by_role("textbox", name="Comment").fill("Their office answers faster by phone.")
        second.get_by_role("button", name="Post the comment").click()
        expect(second.locator(".comments")).to_contain_text("answers faster by phone")

    told = mails_to("alice@example.org", count=2)
    assert len(told) == 2  # the offer, then the comment on the appeal she watches
    assert "Their office answers faster by phone." in told[1].body


def test_a_release_is_uploaded_approved_and_its_findings_published(browsing, campaign, people):
    alice, _bob, olivia = people
    request = filed_request(campaign, "peel-regional-police", alice)

    volunteer = browsing.page(user=alice)
    volunteer.goto(browsing.url(request.get_absolute_url()))
    volunteer.get_by_label("Released document").set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": pdf(["Flock", "12"])}
    )
    volunteer.get_by_label("Title (optional)").fill("ALPR contract")
    volunteer.get_by_role("button", name="Upload").click()
    expect(volunteer.locator("main")).to_contain_text("Private")

    organizer = browsing.page(user=olivia)
    organizer.goto(browsing.url("/"))
    organizer.locator("details.menu summary").click()
    organizer.get_by_role("link", name="Releases to review").click()
    organizer.get_by_role("link", name="ALPR contract").click()
    organizer.get_by_label("Approve for publication").check()
    organizer.get_by_role("button", name="Record the decision").click()
    expect(organizer.locator("main")).not_to_contain_text("Private")

    volunteer.reload()
    recorded = volunteer.locator("dl.facts").nth(1)  # "What it says"
    for fact, value, page_number, shown in [
        ("vendors", "flock", "1", "Flock Safety"),
        ("fixed_cameras", "12", "2", "12"),
    ]:
        volunteer.get_by_label("Fact").select_option(fact)
        volunteer.get_by_label("Value").fill(value)
        volunteer.get_by_label("Page").fill(page_number)
        volunteer.get_by_role("button", name="Record", exact=True).click()
        expect(recorded).to_contain_text(shown)
    assert Finding.objects.filter(police_service__slug="peel-regional-police").count() == 2

    public = browsing.page()
    public.goto(browsing.url("/services/peel-regional-police/"))
    findings = public.locator("dl.facts", has_text="Vendor(s)")
    expect(findings).to_contain_text("Flock Safety")
    expect(findings).to_contain_text("12")
    public.get_by_role("navigation", name="Main").get_by_role("link", name="Findings").click()
    row = public.locator("tbody tr", has_text="Peel Regional Police")
    expect(row).to_contain_text("Flock Safety")
    expect(row).to_contain_text("12")

    public.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    vendors = public.get_by_role("region", name="What the records say: vendors")
    expect(vendors.locator("tbody tr", has_text="Flock Safety")).to_contain_text("12")


def test_a_camera_placed_on_the_map_is_approved_and_drawn_on_the_public_maps(
    browsing, campaign, people
):
    alice, _bob, olivia = people
    toronto = PoliceService.objects.get(slug="toronto-police-service")
    claim_create(campaign=campaign, service=toronto, volunteer=alice)
    spot = (43.6426, -79.3871)

    volunteer = browsing.page(user=alice)
    volunteer.goto(browsing.url("/map/"))
    volunteer.get_by_role("link", name="Report a camera").click()
    # (Waits from Playwright's side: a predicate polled in the page needs eval, which the
    # site's Content-Security-Policy refuses.) The picker's script sets it all at once.
    volunteer.locator("#picker.leaflet-container").wait_for()
    x, y = volunteer.evaluate(
        """([lat, lon]) => { cameraPicker.setView([lat, lon], 16, { animate: false });
           const p = cameraPicker.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        list(spot),
    )
    volunteer.locator("#picker").click(position={"x": x, "y": y})
    expect(volunteer.locator("#suggestion")).to_contain_text("Toronto Police Service")
    assert float(volunteer.get_by_label("Latitude").input_value()) == pytest.approx(
        spot[0], abs=1e-4
    )
    assert float(volunteer.get_by_label("Longitude").input_value()) == pytest.approx(
        spot[1], abs=1e-4
    )
    volunteer.get_by_label("Vendor").select_option("flock")
    volunteer.get_by_label("How do you know?").select_option("field")
    volunteer.get_by_role("button", name="Send for review").click()
    expect(volunteer.locator(".messages")).to_be_visible()
    camera = CameraLocation.objects.get()
    assert camera.status == CameraLocation.Status.PENDING
    assert camera.police_service == toronto

    organizer = browsing.page(user=olivia)
    organizer.goto(browsing.url("/map/cameras/review/"))
    row = organizer.locator("tbody tr", has_text="Toronto Police Service")
    row.get_by_label("Approve").check()
    row.get_by_role("button", name="Save").click()
    expect(organizer.locator(".messages")).to_be_visible()
    camera.refresh_from_db()
    assert camera.status == CameraLocation.Status.APPROVED

    def drawn(page):
        page.wait_for_selector("#map[data-state=ready]")
        page.wait_for_selector("path.camera-marker")
        service = page.locator("path.service-marker.status-claimed")
        expect(service).to_have_count(1)
        return service.get_attribute("fill"), page.locator("path.camera-marker").count()

    public = browsing.page()
    public.goto(browsing.url(f"/map/#map=16/{spot[0]}/{spot[1]}"))
    assert drawn(public) == (STATUS_COLOURS["claimed"], 1)
    public.evaluate("campaignMap.panBy([40, 30], { animate: false })")
    expect(public).not_to_have_url(re.compile(r"/43\.64260/"))
    permalink = public.url

    again = browsing.page()
    again.goto(permalink)
    assert drawn(again) == (STATUS_COLOURS["claimed"], 1)
    centre = (
        "() => { const c = campaignMap.getCenter(); return [campaignMap.getZoom(), c.lat, c.lng]; }"
    )
    assert again.evaluate(centre) == pytest.approx(public.evaluate(centre), abs=1e-5)
    embedded = browsing.page()
    embedded.goto(permalink.replace("/map/#", "/map/embed/#"))
    assert drawn(embedded) == (STATUS_COLOURS["claimed"], 1)


def test_the_french_interface_from_sign_up_to_a_claim_has_no_english(browsing, campaign):
    page = browsing.page()
    seen = {}

    def no_english():
        seen[page.url] = english_sentences(page.content())

    page.goto(browsing.url("/"))
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    no_english()
    page.locator("header").get_by_role("link", name="S'inscrire").click()
    no_english()
    sign_up(browsing, page, "nouvelle@example.org")
    no_english()
    assert User.objects.get(email="nouvelle@example.org").language == "fr"

    page.get_by_role("navigation").get_by_role("link", name="Répertoire").click()
    search_the_directory(
        page, "Nom, municipalité ou province", "Filtrer", "Mississauga", "Peel Regional Police"
    )
    no_english()
    page.get_by_role("button", name="Réserver ce service de police").click()
    expect(page.locator(".messages")).to_be_visible()
    no_english()
    assert Claim.objects.filter(volunteer__email="nouvelle@example.org").exists()
    assert {url: found for url, found in seen.items() if found} == {}


def tab_to(page, target, presses: int = 120) -> None:
    """Press Tab until the target has the focus, and check that the focus is visible."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert target.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
            return
    pytest.fail(f"Tab never reached {target}")


def test_a_volunteer_claims_and_logs_a_step_with_the_keyboard_alone(browsing, campaign, people):
    alice, _bob, _olivia = people
    page = browsing.page(user=alice)
    page.goto(browsing.url("/services/ottawa-police-service/"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    tab_to(page, page.get_by_role("button", name="Claim this police service"))
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Log a request already sent"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/letter/\?campaign=alpr-records#log-filing$"))
    tab_to(page, page.get_by_role("button", name="Log the request as filed"))
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("The request is logged as filed.")

    filed = AccessRequest.objects.get(police_service__slug="ottawa-police-service")
    tab_to(page, page.get_by_label("What happened"))
    page.keyboard.type("Ext")  # the options answer to their first letters
    extension = page.get_by_label(f"Extension ({filed.day_kind_label})")
    tab_to(page, extension)
    page.keyboard.type("30")
    tab_to(page, page.get_by_role("button", name="Log this step"))
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("The step is logged.")
    step = filed.events.last()
    assert (step.status, step.extension_days) == ("extended", 30)
