"""Who polices where: the shipped municipalities, directory search, import and export."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from requests_app.directory_csv import (
    MUNICIPALITY_COLUMNS,
    DirectoryImportError,
    municipalities_export,
    municipalities_import,
    reference_data_load,
)
from requests_app.models import Municipality, PoliceService

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "municipalities.csv"


def names(response):
    return {service.slug for service in response.context["services"]}


def test_every_shipped_municipality_has_its_police(directory):
    assert Municipality.objects.count() >= 351
    policed = {m.slug: m.policed_by.slug for m in Municipality.objects.select_related("policed_by")}
    assert policed["mississauga-on"] == policed["brampton-on"] == "peel-regional-police"
    assert policed["caledon-on"] == "ontario-provincial-police"
    for town in ["kitchener-on", "waterloo-on", "cambridge-on"]:
        assert policed[town] == "waterloo-regional-police-service"
    assert policed["puslinch-on"] == "ontario-provincial-police"
    assert policed["university-endowment-lands-bc"] == "rcmp-e-division-british-columbia"
    assert policed["burnaby-bc"] == "rcmp-e-division-british-columbia"
    assert policed["drummondville-qc"] == "surete-du-quebec"
    assert policed["esquimalt-bc"] == "victoria-police-department"


def test_a_service_page_lists_the_municipalities_it_polices(client, directory):
    html = client.get("/services/peel-regional-police/").content.decode()
    assert "Brampton, Mississauga." in html
    opp = client.get("/services/ontario-provincial-police/").content.decode()
    assert "Puslinch" in opp
    assert "It also polices the places of Ontario that have no police of their own." in opp


@pytest.mark.parametrize(
    "query, slug",
    [
        ("Mississauga", "peel-regional-police"),
        ("Cambridge", "waterloo-regional-police-service"),
        ("brampton", "peel-regional-police"),
        ("Puslinch", "ontario-provincial-police"),
        ("Dollard-des-Ormeaux", "service-de-police-de-la-ville-de-montreal"),
    ],
)
def test_the_directory_finds_the_service_policing_a_municipality(client, directory, query, slug):
    response = client.get("/directory/", {"q": query})
    assert slug in names(response)
    row = next(r for r in response.context["rows"] if r["service"].slug == slug)
    assert row["places"]
    assert "Polices " in response.content.decode()


@pytest.mark.parametrize("query", ["Quebec", "Québec", "QUEBEC"])
def test_a_province_name_finds_all_its_services(client, directory, query):
    quebec = set(
        PoliceService.objects.filter(province="QC", active=True).values_list("slug", flat=True)
    )
    assert len(quebec) == 37
    assert names(client.get("/directory/", {"q": query})) >= quebec


def test_a_province_name_in_french_finds_its_services(client, directory):
    bc = set(
        PoliceService.objects.filter(province="BC", active=True).values_list("slug", flat=True)
    )
    assert names(client.get("/directory/", {"q": "Colombie-Britannique"})) == bc
    assert names(client.get("/fr/directory/", {"q": "British Columbia"})) == bc


def test_the_shipped_municipalities_round_trip_without_loss(directory):
    exported = io.StringIO()
    assert municipalities_export(exported) == Municipality.objects.count()
    shipped = {row["slug"]: row for row in csv.DictReader(SHIPPED.open(encoding="utf-8"))}
    written = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported.getvalue()))}
    assert written == shipped
    report = municipalities_import(exported.getvalue())
    assert report.unchanged == len(shipped)


def test_an_import_is_all_or_nothing_and_names_every_bad_row(directory):
    header = ",".join(MUNICIPALITY_COLUMNS) + "\n"
    good = "lakeview-on,Lakeview,,ON,44.1,-79.1,,,,ontario-provincial-police,a council page,\n"
    bad_service = "nowhere-on,Nowhere,,ON,44.2,-79.2,,,,no-such-police,,\n"
    bad_point = "abroad-on,Abroad,,ON,10,-79.2,,,,ontario-provincial-police,,\n"
    with pytest.raises(DirectoryImportError) as caught:
        municipalities_import(header + good + bad_service + bad_point)
    message = str(caught.value)
    assert (
        "line 3 (nowhere-on): policed_by_slug: no police service has the slug no-such-police"
        in (message)
    )
    assert "line 4 (abroad-on): latitude:" in message
    assert not Municipality.objects.filter(slug="lakeview-on").exists()

    report = municipalities_import(header + good)
    assert report.created == 1
    assert Municipality.objects.get(slug="lakeview-on").policed_by.slug == (
        "ontario-provincial-police"
    )


def test_the_municipality_commands_import_and_export(directory, tmp_path, capsys):
    target = tmp_path / "out.csv"
    call_command("export_municipalities", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == MUNICIPALITY_COLUMNS
    rows[0]["policed_by_slug"] = "surete-du-quebec"  # a QC service for an AB town is allowed
    edited = tmp_path / "in.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MUNICIPALITY_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_municipalities", str(edited), "--dry-run")
    assert Municipality.objects.get(slug=rows[0]["slug"]).policed_by.slug != "surete-du-quebec"
    call_command("import_municipalities", str(edited))
    assert Municipality.objects.get(slug=rows[0]["slug"]).policed_by.slug == "surete-du-quebec"
    assert "1 were updated" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(MUNICIPALITY_COLUMNS) + "\nx-on,X,,ON,44,-79,,,,nope,,\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_municipalities", str(bad))


def test_reloading_reference_data_keeps_an_organizers_change(directory):
    Municipality.objects.filter(slug="puslinch-on").update(source="council minutes, 2027")
    reports = reference_data_load()
    assert reports["municipalities"].created == 0
    assert Municipality.objects.get(slug="puslinch-on").source == "council minutes, 2027"
