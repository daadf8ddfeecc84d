"""Public statistics: the campaign's figures on a known story, what stays private, the
charts' text alternatives, the public CSV files, the cache and the number of queries."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.cache import cache

from maps_app import demo
from requests_app.models import Campaign, PoliceService
from requests_app.services.claims import claim_create
from tests.factories import PoliceServiceFactory, UserFactory

from .conftest import ontario_services


def rows_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_the_figures_of_a_known_story(client, story):
    response = client.get("/stats/")
    assert response.status_code == 200
    ontario = ontario_services()
    total = PoliceService.objects.filter(active=True).count()
    row = next(r for r in response.context["coverage"]["rows"] if r["province"] == "ON")
    # Claimed, filed, awaiting, overdue, answered, released, appealed.
    assert [count for count, _share in row["cells"]] == [5, 4, 2, 1, 2, 1, 1]
    assert row["services"] == ontario
    assert row["cells"][0][1] == pytest.approx(5 / ontario)
    totals = response.context["coverage"]["totals"]
    assert totals["services"] == total
    assert [count for count, _share in totals["cells"]] == [5, 4, 2, 1, 2, 1, 1]
    funnel = [(row["label"], row["count"]) for row in response.context["funnel"]]
    assert funnel == [
        ("Unclaimed", total - 5),
        ("Claimed", 5),
        ("Filed", 4),
        ("Answered", 2),
        ("Records released", 1),
        ("Appealed", 1),
    ]
    weeks = {week: (filed, released) for week, filed, released in response.context["weeks"]}
    assert weeks[date(2027, 1, 4)] == (2, 0)
    assert weeks[date(2027, 1, 11)] == (1, 0)
    assert weeks[date(2027, 2, 1)] == (0, 1)  # released on Friday 5 February
    assert weeks[date(2027, 3, 1)] == (1, 0)
    assert max(weeks) == date(2027, 3, 8)  # this week
    (law,) = [r for r in response.context["answer_times"] if r["code"] == "ON-TEST"]
    # Refused in 28 days, released in 25; the law allowed 30 each time, both on time.
    assert (law["answered"], law["median_days"], law["median_allowed"]) == (2, 26.5, 30)
    assert (law["on_time"], law["with_due_date"], law["limits"]) == (2, 2, ["30 calendar days"])
    assert response.context["vendors"][0]["label"] == "Flock Safety"
    assert (
        response.context["vendors"][0]["services"],
        response.context["vendors"][0]["fixed_cameras"],
    ) == (1, 3)


@pytest.mark.django_db
def test_the_public_page_shows_no_private_data(client, story):
    html = client.get("/stats/").content.decode()
    for person in story.volunteers:
        assert person.email not in html
        assert person.display_name not in html
    assert "Unreviewed policy" not in html
    assert "A hand with story" not in html  # calls for help are on /help-wanted/, not here


@pytest.mark.django_db
def test_a_finding_from_an_unapproved_release_is_not_counted(client, story, olivia):
    from requests_app.models import Release
    from requests_app.services.releases import finding_record

    pending = Release.objects.get(title="Unreviewed policy 1")
    finding_record(release=pending, field="mobile_units", raw_value="7", page=None, by=olivia)
    vendors = client.get("/stats/").context["vendors"]
    assert vendors[0]["mobile_units"] == 0


@pytest.mark.django_db
def test_the_demo_never_counts_in_the_real_campaigns_figures(client, story, settings):
    settings.DEBUG = True
    demo.demo_load(today=date(2027, 3, 10))
    real = client.get("/stats/").context
    assert [count for count, _share in real["coverage"]["totals"]["cells"]] == [5, 4, 2, 1, 2, 1, 1]
    assert real["figures"]["counters"]["cameras"] == 0
    chosen = client.get("/stats/?campaign=demo-alpr")
    assert "demonstration campaign" in chosen.content.decode()
    assert (
        chosen.context["coverage"]["totals"]["cells"][0][0]
        == Campaign.objects.get(slug="demo-alpr").claims.filter(released_at__isnull=True).count()
    )


@pytest.mark.django_db
def test_every_chart_has_a_title_a_text_alternative_and_its_numbers(client, story, provinces):
    html = client.get("/stats/").content.decode()
    charts = re.findall(
        r'<svg viewBox="[^"]+" role="img" aria-labelledby="([\w-]+)-title \1-desc"', html
    )
    assert sorted(charts) == ["answers", "filed", "funnel", "released", "share-map"]
    for chart in charts:
        description = re.search(rf'<desc id="{chart}-desc">([^<]+)</desc>', html).group(1)
        assert len(description) > 20, chart
    assert "Requests filed per week, from the week of" in html
    # The map: Ontario coloured by the share of its services claimed, named in its title.
    ontario = re.search(
        r'<path d="[^"]+" fill="(#\w+)" class="province"><title>Ontario: (\d+)%', html
    )
    assert ontario.group(1) == "#c6dbef"  # under 25%
    assert int(ontario.group(2)) == round(5 / ontario_services() * 100)
    # Numbers in the drawings are never written the French way (a decimal comma breaks SVG).
    french = client.get("/fr/stats/").content.decode()
    assert re.search(r'(?:viewBox|x|y|x1|x2|y1|y2|width|height)="[^"]*,', french) is None
    assert re.search(r'<text x="[\d.]+" y="[\d.]+" class="chart-value">\d+ \(\d+\xa0%\)', french)


@pytest.mark.django_db
def test_the_public_csv_files_hold_the_figures(client, story):
    coverage = rows_of(client.get("/stats/coverage.csv"))
    ontario = next(row for row in coverage if row["province"] == "ON")
    assert (ontario["claimed"], ontario["overdue"], ontario["appealed"]) == ("5", "1", "1")
    assert ontario["claimed_pct"] == f"{5 / ontario_services() * 100:.1f}"
    assert coverage[-1]["province"] == "total"
    funnel = rows_of(client.get("/stats/funnel.csv"))
    assert [(row["step"], row["targets"]) for row in funnel][1:] == [
        ("claimed", "5"),
        ("filed", "4"),
        ("answered", "2"),
        ("released", "1"),
        ("appealed", "1"),
    ]
    weekly = {row["week_of"]: row for row in rows_of(client.get("/stats/weekly.csv"))}
    assert weekly["2027-01-04"]["requests_filed"] == "2"
    times = rows_of(client.get("/stats/answer-times.csv"))
    assert {"regime": "ON-TEST", "median_days_to_answer": "26.5"}.items() <= next(
        row for row in times if row["regime"] == "ON-TEST"
    ).items()
    assert rows_of(client.get("/stats/vendors.csv"))[0]["vendor"] == "flock"
    # The organizers' tables are not public.
    for table in ("requests", "claims", "overdue", "nothing"):
        assert client.get(f"/stats/{table}.csv").status_code == 404


@pytest.mark.django_db
def test_the_figures_are_cached_and_a_change_shows_at_once(
    client, story, alpr, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    cache.clear()
    with django_assert_max_num_queries(1000) as cold:
        first = client.get("/stats/")
    with django_assert_max_num_queries(1000) as warm:
        client.get("/stats/")
    assert len(warm.captured_queries) < len(cold.captured_queries)
    claimed = first.context["coverage"]["totals"]["cells"][0][0]
    service, volunteer = PoliceServiceFactory(province="ON"), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the figures' version moves then
        claim_create(campaign=alpr, service=service, volunteer=volunteer)
    assert client.get("/stats/").context["coverage"]["totals"]["cells"][0][0] == claimed + 1


@pytest.mark.django_db
def test_the_totals_agree_with_their_numbers_in_both_languages(client, story):
    def totals(url):
        html = client.get(url).content.decode()
        start = html.index('<ul class="totals">')
        return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</ul>", start)]).split())

    assert totals("/stats/") == (
        "4 requests filed 1 release published 1 police service where records confirm licence "
        "plate readers 0 camera locations on the map"
    )
    assert totals("/fr/stats/") == (
        "4 demandes déposées 1 document publié 1 service de police dont les documents "
        "confirment des lecteurs de plaques 0 emplacement de caméra sur la carte"
    )
