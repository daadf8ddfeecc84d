"""import_directory / export_directory: all or nothing, every bad row named, lossless."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from requests_app.directory_csv import (
    SERVICE_COLUMNS,
    DirectoryImportError,
    directory_export,
    directory_import,
)
from requests_app.models import PoliceService
from tests.factories import AccessRegimeFactory, PoliceServiceFactory

HEADER = "slug,name_en,kind,province,latitude,longitude,regime_code,parent_slug,hq_city\n"
GOOD = (
    HEADER
    + "lakeview-police-service,Lakeview Police Service,municipal,ON,44.4001,-79.6663,ON-MFIPPA,,Lakeview\n"
    + ",Service de police de Saint-Édouard,municipal,QC,46.8123,-71.2145,QC-ACCESS,,Saint-Édouard\n"
    + "northern-federal-police,Northern Federal Police,federal,CA,45.4215,-75.6972,CA-FED-ATIA,,Ottawa\n"
    + "northern-federal-police-k,Northern Federal Police K Division,federal,AB,53.5461,-113.4938,CA-FED-ATIA,northern-federal-police,Edmonton\n"
)


@pytest.fixture
def regimes(db):
    AccessRegimeFactory(code="ON-MFIPPA", jurisdiction="ON")
    AccessRegimeFactory(code="QC-ACCESS", jurisdiction="QC", short_name="Access Act")
    AccessRegimeFactory(code="CA-FED-ATIA", jurisdiction="CA", short_name="ATIA")


@pytest.fixture
def shipped_count(regimes):
    """How many services the shipped directory holds before the test imports anything."""
    return PoliceService.objects.count()


def test_a_good_file_creates_the_services_and_a_second_run_changes_nothing(regimes):
    report = directory_import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    edouard = PoliceService.objects.get(slug="service-de-police-de-saint-edouard")
    assert edouard.regime.code == "QC-ACCESS"
    assert PoliceService.objects.get(slug="northern-federal-police-k").parent.slug == (
        "northern-federal-police"
    )

    again = directory_import(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_it_updates_by_slug_and_keeps_columns_the_file_leaves_out(regimes):
    directory_import(GOOD)
    PoliceService.objects.filter(slug="lakeview-police-service").update(
        foi_email="foi@lakeview.example"
    )
    report = directory_import(
        "slug,name_en,kind,province,latitude,longitude,regime_code\n"
        "lakeview-police-service,Lakeview Police,municipal,ON,44.4,-79.6663,ON-MFIPPA\n"
    )
    assert (report.created, report.updated) == (0, 1)
    lakeview = PoliceService.objects.get(slug="lakeview-police-service")
    assert lakeview.name_en == "Lakeview Police"
    assert lakeview.foi_email == "foi@lakeview.example"
    assert lakeview.hq_city == "Lakeview"


def test_a_dry_run_reports_and_writes_nothing(shipped_count):
    report = directory_import(GOOD, dry_run=True)
    assert report.created == 4
    assert "would be created" in report.summary()
    assert PoliceService.objects.count() == shipped_count


BAD_ROWS = [
    ("unknown regime", "x,X Police,municipal,ON,44,-79,ON-NOPE,,", "unknown regime code ON-NOPE"),
    ("bad province", "x,X Police,municipal,ZZ,44,-79,ON-MFIPPA,,", "province: Select a valid"),
    ("latitude out of range", "x,X Police,municipal,ON,95,-79,ON-MFIPPA,,", "latitude:"),
    ("longitude out of range", "x,X Police,municipal,ON,44,12,ON-MFIPPA,,", "longitude:"),
    ("not a number", "x,X Police,municipal,ON,north,-79,ON-MFIPPA,,", "latitude:"),
    ("missing name", "x,,municipal,ON,44,-79,ON-MFIPPA,,", "name_en: a name is required"),
    ("duplicate slug", "lakeview-police-service,B2,municipal,ON,44,-79,ON-MFIPPA,,", "already used on line 2"),
    ("bad kind", "x,X Police,secret,ON,44,-79,ON-MFIPPA,,", "kind: Select a valid"),
    ("unknown parent", "x,X Police,municipal,ON,44,-79,ON-MFIPPA,nobody,", "no service has the slug nobody"),
    ("law of another province", "x,X Police,municipal,ON,44,-79,QC-ACCESS,,", "QC-ACCESS is a law of QC"),
    ("bad slug", "Not A Slug!,X Police,municipal,ON,44,-79,ON-MFIPPA,,", "slug:"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "reason"), [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS])
def test_one_bad_row_applies_nothing_and_names_its_line(shipped_count, row, reason):
    text = GOOD.splitlines()[0] + "\n" + GOOD.splitlines()[1] + "\n" + row + "\n"
    with pytest.raises(DirectoryImportError) as caught:
        directory_import(text)
    errors = caught.value.report.errors
    assert len(errors) == 1
    assert errors[0].line == 3
    assert reason in str(errors[0])
    assert PoliceService.objects.count() == shipped_count


def test_every_bad_row_is_reported_with_its_own_line(shipped_count):
    text = (
        HEADER
        + "a,A Police,municipal,ON,44,-79,ON-NOPE,,\n"
        + "b,B Police,municipal,ON,44,-79,ON-MFIPPA,,\n"
        + 'c,"C Police, with a\nmultiline name",municipal,XX,44,-79,ON-MFIPPA,,\n'
        + "d,,municipal,ON,44,-79,ON-MFIPPA,,\n"
    )
    with pytest.raises(DirectoryImportError) as caught:
        directory_import(text)
    assert [e.line for e in caught.value.report.errors] == [2, 4, 6]
    assert caught.value.report.summary() == "3 bad row(s); nothing was imported."
    assert PoliceService.objects.count() == shipped_count


def test_a_file_without_the_needed_columns_is_refused(regimes):
    with pytest.raises(DirectoryImportError) as caught:
        directory_import("slug,name,colour\nx,X,red\n")
    message = str(caught.value)
    assert "missing column(s): kind, latitude, longitude, name_en, province, regime_code" in message
    assert "unknown column(s): name, colour" in message


def test_the_shipped_directory_round_trips_without_loss(directory):
    exported = io.StringIO()
    assert directory_export(exported) == PoliceService.objects.count()
    shipped_path = Path(__file__).resolve().parents[2] / "data" / "police_services.csv"
    shipped = {row["slug"]: row for row in csv.DictReader(shipped_path.open(encoding="utf-8"))}
    written = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported.getvalue()))}
    assert written == shipped

    report = directory_import(exported.getvalue())
    assert report.unchanged == len(shipped)
    again = io.StringIO()
    directory_export(again)
    assert again.getvalue() == exported.getvalue()


def test_the_commands_import_and_export(shipped_count, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(GOOD, encoding="utf-8")
    call_command("import_directory", str(source), "--dry-run")
    assert PoliceService.objects.count() == shipped_count
    call_command("import_directory", str(source))
    assert PoliceService.objects.count() == shipped_count + 4

    target = tmp_path / "out.csv"
    call_command("export_directory", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == SERVICE_COLUMNS
    assert {row["slug"] for row in rows} == set(
        PoliceService.objects.values_list("slug", flat=True)
    )


def test_the_import_command_lists_bad_rows_and_fails(regimes, tmp_path, capsys):
    source = tmp_path / "bad.csv"
    source.write_text(HEADER + "a,A Police,municipal,ON,44,-79,ON-NOPE,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_directory", str(source))
    assert "line 2 (a): regime_code: unknown regime code ON-NOPE" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_directory", str(tmp_path / "missing.csv"))
    source.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_directory", str(source))


def test_the_import_shows_progress_on_large_files(regimes, tmp_path, capsys):
    rows = "".join(f"s{n},Service {n},municipal,ON,44,-79,ON-MFIPPA,,\n" for n in range(1000))
    source = tmp_path / "big.csv"
    source.write_text(HEADER + rows, encoding="utf-8")
    call_command("import_directory", str(source), "--dry-run")
    err = capsys.readouterr().err
    assert "checked 500/1000 rows" in err
    assert "checked 1000/1000 rows" in err


def test_reloading_reference_data_never_overwrites_an_organizers_edit(directory):
    from requests_app.directory_csv import reference_data_load

    PoliceService.objects.filter(slug="york-regional-police").update(foi_email="new@yrp.example")
    reports = reference_data_load()
    assert all(report.created == 0 for report in reports.values())
    assert PoliceService.objects.get(slug="york-regional-police").foi_email == "new@yrp.example"


def test_a_service_that_is_its_own_parent_is_refused(regimes):
    PoliceServiceFactory(slug="x", name_en="X")
    with pytest.raises(DirectoryImportError, match="cannot be its own parent"):
        directory_import(HEADER + "x,X,municipal,ON,44,-79,ON-MFIPPA,x,\n")


def test_the_shipped_regimes_and_rule_sets_round_trip_without_loss(directory):
    from requests_app.directory_csv import reference_data_load, regime_row, rule_set_row
    from requests_app.models import AccessRegime, RegimeRuleSet

    data = Path(__file__).resolve().parents[2] / "data"
    regimes = {r["code"]: r for r in csv.DictReader((data / "access_regimes.csv").open())}
    assert {r.code: regime_row(r) for r in AccessRegime.objects.all()} == regimes
    rule_sets = {
        (r["regime_code"], r["effective_from"]): r
        for r in csv.DictReader((data / "regime_rule_sets.csv").open())
    }
    stored = RegimeRuleSet.objects.select_related("regime")
    assert {(r.regime.code, r.effective_from.isoformat()): rule_set_row(r) for r in stored} == (
        rule_sets
    )
    # Applying the shipped data over itself (load_reference_data --update) changes nothing.
    reports = reference_data_load(only_missing=False)
    for name in ("regimes", "rule sets", "police services"):
        assert reports[name].updated == 0, name


def test_coordinates_outside_canada_are_refused_in_words_and_by_the_database(regimes):
    from django.db import IntegrityError, transaction

    from requests_app.models import Municipality

    with pytest.raises(DirectoryImportError) as refused:
        directory_import(HEADER + "x,X,municipal,ON,10,-179,ON-MFIPPA,,\n")
    assert "latitude: Ensure this value is greater than or equal to 41.6" in str(refused.value)
    assert "longitude: Ensure this value is greater than or equal to -141.1" in str(refused.value)
    # Validation leaves the ranges to the fields; the database refuses a write that skips it.
    service = PoliceServiceFactory(slug="y")
    place = Municipality.objects.create(
        name="Y", province="ON", latitude=44, longitude=-79, policed_by=service
    )
    for model, pk in ((PoliceService, service.pk), (Municipality, place.pk)):
        for wrong in ({"latitude": 10}, {"longitude": -179}):
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=pk).update(**wrong)
