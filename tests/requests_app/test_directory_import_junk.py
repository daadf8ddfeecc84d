"""Junk CSV given to the directory import: every bad file is reported, none changes a row.

Property-based (hypothesis, a fixed number of generated files, derandomized), plus the
131,072-character cell that made the admin's import answer 500.
"""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.directory_csv import (
    SERVICE_COLUMNS,
    DirectoryImportError,
    directory_import,
    municipalities_import,
)
from requests_app.models import Municipality, PoliceService

COLUMNS = ["slug", "name_en", "kind", "province", "latitude", "longitude", "regime_code"]
plausible = st.sampled_from(
    ["", "municipal", "ON", "QC", "ON-MFIPPA", "44.4", "-79.6", "yes", "no", "toronto-police"]
)
weird = st.one_of(
    st.text(max_size=30),  # any characters: quotes, commas, line breaks, NUL, accents
    st.integers().map(str),
    st.floats().map(str),
)
huge = st.just("x" * 140_000)  # past the csv module's 131,072-character cell limit
# Most cells plausible, some weird, one in a hundred past the limit.
cells = st.integers(0, 99).flatmap(
    lambda n: huge if n == 50 else weird if 30 <= n < 60 else plausible
)


def mostly(good, bad):
    """Three times in four `good`, so that most files reach the row checks."""
    # A band in the middle, as hypothesis draws the ends of a range more often.
    return st.integers(0, 99).flatmap(lambda n: bad if 40 <= n < 65 else good)


@st.composite
def csv_files(draw):
    header = draw(
        mostly(
            st.just(COLUMNS),
            st.lists(st.sampled_from([*SERVICE_COLUMNS, "unknown", ""]), max_size=8),
        )
    )
    row = mostly(
        st.lists(cells, min_size=len(header), max_size=len(header)),
        st.lists(cells, max_size=len(header) + 1),
    )
    rows = draw(st.lists(row, max_size=3))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(mostly(st.just(False), st.just(True))):  # hand-broken: a stray quote, a cut line
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', '\n"', "\r", "\x00"])) + text[cut:]
    return text


def _directory_state():
    return sorted(PoliceService.objects.values_list("slug", "name_en", "updated_at"))


@settings(max_examples=60)
@given(text=csv_files())
def test_a_junk_directory_file_is_reported_and_changes_nothing(directory, text):
    before = _directory_state()
    try:
        report = directory_import(text)
    except DirectoryImportError as error:
        assert error.report.errors and all(str(e) for e in error.report.errors)
        assert _directory_state() == before
        return
    assert report.created + report.updated + report.unchanged == report.total


@settings(max_examples=30)
@given(text=csv_files())
def test_a_junk_municipalities_file_is_reported_and_changes_nothing(directory, text):
    before = sorted(Municipality.objects.values_list("slug", "name", "population"))
    try:
        municipalities_import(text.replace("regime_code", "policed_by_slug"))
    except DirectoryImportError as error:
        assert error.report.errors
        assert sorted(Municipality.objects.values_list("slug", "name", "population")) == before


def test_a_cell_past_the_csv_limit_is_a_message_in_the_admin_not_an_error_page(
    client, olivia, directory
):
    before = _directory_state()
    client.force_login(olivia)
    text = (
        ",".join(COLUMNS) + "\n" + "big," + "x" * 131_073 + ",municipal,ON,44.1,-79.1,ON-MFIPPA\n"
    )
    response = client.post(
        "/admin/requests_app/policeservice/import/",
        {"file": SimpleUploadedFile("d.csv", text.encode())},
    )
    assert response.status_code == 200
    assert "not readable as CSV: field larger than field limit (131072)" in (
        response.content.decode()
    )
    assert _directory_state() == before
