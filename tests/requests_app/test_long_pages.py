"""Pages that list the directory and the findings show a page of rows at a time, keep the
reader's filters from page to page, and read the same number of queries at any size."""

import csv
import io
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.models import (
    AccessRequest,
    Finding,
    PoliceService,
    Release,
    StoredFile,
)
from requests_app.views.directory import DIRECTORY_PAGE_SIZE
from requests_app.views.releases import FINDINGS_PAGE_SIZE
from tests.factories import CampaignFactory, PoliceServiceFactory, UserFactory


def test_the_directory_shows_a_page_of_services_with_links_to_the_others(client, directory):
    active = PoliceService.objects.filter(active=True).order_by("province", "name_en")
    pages = -(-active.count() // DIRECTORY_PAGE_SIZE)
    first = client.get("/directory/")
    assert [row["service"] for row in first.context["rows"]] == list(active[:DIRECTORY_PAGE_SIZE])
    html = unescape(first.content.decode())
    assert f"{active.count()} police services" in html
    assert '<nav class="pagination" aria-label="Pages of the directory">' in html
    assert f"Page 1 of {pages}" in html
    assert 'href="?page=1" aria-current="page"' in html
    assert 'href="?page=2" rel="next"' in html

    last = client.get("/directory/", {"page": pages})
    shown = [row["service"] for row in last.context["rows"]]
    assert shown == list(active[(pages - 1) * DIRECTORY_PAGE_SIZE :])
    assert client.get("/directory/", {"page": "junk"}).context["page"].number == 1


def test_the_directory_keeps_its_filters_from_page_to_page_in_both_languages(client, directory):
    for _copy in range(DIRECTORY_PAGE_SIZE + 1):
        PoliceServiceFactory(province="NS", kind="municipal")  # "Town N Police Service"
    html = unescape(client.get("/fr/directory/", {"province": "NS", "q": "town"}).content.decode())
    assert '<nav class="pagination" aria-label="Pages du répertoire">' in html
    assert "Page 1 sur 2" in html
    assert 'href="?province=NS&q=town&page=2" rel="next">Page suivante</a>' in html
    second = client.get("/directory/", {"province": "NS", "q": "town", "page": 2})
    assert second.context["rows"]
    assert all(row["service"].province == "NS" for row in second.context["rows"])
    assert 'href="?province=NS&amp;q=town&amp;page=1">First page</a>' in second.content.decode()


@pytest.mark.parametrize("address", ["/directory/", "/findings/"])
def test_the_long_pages_read_the_same_queries_at_any_size(
    client, alpr, address, django_assert_num_queries
):
    add_findings(alpr, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    add_findings(alpr, 2 * FINDINGS_PAGE_SIZE)
    for service in PoliceServiceFactory.create_batch(DIRECTORY_PAGE_SIZE):
        file_request(alpr, service)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(address)
    assert len(response.context["rows"]) == response.context["page"].paginator.per_page


def file_request(campaign, service) -> AccessRequest:
    return AccessRequest.objects.create(
        campaign=campaign,
        police_service=service,
        volunteer=UserFactory(),
        regime=service.regime,
        status="filed",
        filed_on=date(2026, 11, 2),
        due_on=date(2026, 12, 2),
    )


def add_findings(campaign, services: int, **kwargs) -> list[PoliceService]:
    """Services with an approved release and a fixed-camera count (the n-th counts n), and
    every other one a vendor too."""
    made = []
    for n in range(1, services + 1):
        service = PoliceServiceFactory(**kwargs)
        request = file_request(campaign, service)
        stored = StoredFile.objects.create(
            sha256=f"{StoredFile.objects.count() + 1:064x}",
            file="releases/x.pdf",
            kind="pdf",
            size=1,
        )
        release = Release.objects.create(
            request=request, stored=stored, original_name="r.pdf", received_on=date(2026, 11, 20),
            uploaded_by=request.volunteer, moderation=Release.Moderation.APPROVED,
        )  # fmt: skip
        facts = {"fixed_cameras": {"number": n}}
        if n % 2:
            facts["vendors"] = {"text": "flock;axon"}
        for field, value in facts.items():
            Finding.objects.create(
                campaign=campaign, police_service=service, field=field, release=release, page=n,
                recorded_by=request.volunteer, **value,
            )  # fmt: skip
        made.append(service)
    return made


@pytest.mark.django_db
def test_the_findings_show_a_page_of_rows_sorted_and_filtered_in_sql(client):
    campaign = CampaignFactory(slug="alpr-records")
    count = FINDINGS_PAGE_SIZE + 5
    made = add_findings(campaign, count, province="MB")
    page = client.get("/findings/", {"sort": "-fixed_cameras", "campaign": campaign.slug})
    rows = page.context["rows"]
    assert [row["service"] for row in rows] == made[::-1][:FINDINGS_PAGE_SIZE]
    cameras = rows[0]["cells"][[c.value for c in page.context["columns"]].index("fixed_cameras")]
    release = Release.objects.get(request__police_service=made[-1])
    assert cameras == {"words": str(count), "url": f"/releases/{release.pk}/#page={count}"}
    assert page.context["totals"]["services"] == count
    assert page.context["totals"]["fixed_cameras"] == count * (count + 1) // 2
    html = unescape(page.content.decode())
    assert f'href="?sort=-fixed_cameras&campaign={campaign.slug}&page=2" rel="next"' in html
    second = client.get(
        "/findings/", {"sort": "-fixed_cameras", "campaign": campaign.slug, "page": 2}
    )
    assert [row["service"] for row in second.context["rows"]] == made[::-1][FINDINGS_PAGE_SIZE:]

    # Blanks last either way; a vendor is one item of the list, never a part of a name.
    blank = PoliceServiceFactory(province="MB")
    Finding.objects.create(
        campaign=campaign, police_service=blank, field="vendors", text="flockish",
        release=Release.objects.first(), recorded_by=UserFactory(),
    )  # fmt: skip
    for sort in ("fixed_cameras", "-fixed_cameras"):
        listed = client.get("/findings/", {"sort": sort, "page": 2}).context["rows"]
        assert listed[-1]["service"] == blank, sort
    flock = client.get("/findings/", {"vendor": "flock"})
    assert flock.context["totals"]["services"] == len(made[::2])
    # Added up over the listed services only (the odd numbers of cameras name flock).
    assert flock.context["totals"]["fixed_cameras"] == sum(range(1, count + 1, 2))
    assert blank not in [row["service"] for row in flock.context["rows"]]

    # The CSV file still holds every row.
    body = client.get("/findings.csv").content.decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == count + 1
