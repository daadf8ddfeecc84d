"""CSV exports open safely in a spreadsheet: no cell runs as a formula."""

import pytest

from requests_app.exports import safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("-79.3832", "-79.3832"),  # a longitude stays a number
        (-79.3832, "-79.3832"),
        ("Genetec AutoVu", "Genetec AutoVu"),
        (None, ""),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


def test_the_findings_csv_writes_a_formula_as_text(client, alice, directory):
    from requests_app.models import Campaign, PoliceService
    from tests.maps_app.conftest import make_finding, make_release

    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="toronto-police-service")
    release = make_release(campaign=campaign, service=service, volunteer=alice)
    make_finding(
        release=release, field="sharing_partners", text='=HYPERLINK("http://x.example")', by=alice
    )
    body = client.get("/findings.csv").content.decode()
    assert '"\'=HYPERLINK(""http://x.example"")"' in body
    assert ",=HYPERLINK" not in body
