"""The shipped campaign, and a clock frozen on a known day for date rules."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app.models import Campaign

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture
def alpr(directory):
    """The ALPR records campaign shipped in data/campaigns.json."""
    return Campaign.objects.get(slug="alpr-records")


@pytest.fixture
def frozen_26_november():
    """Thursday 26 November 2026, noon in Toronto."""
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=TORONTO), tick=False):
        yield
