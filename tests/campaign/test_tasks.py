import pytest
from django.conf import settings

from campaign.tasks import ping
from tests.conftest import REQUIRE_SERVICES


@pytest.mark.worker
def test_a_task_makes_the_round_trip(celery_worker_ready):
    if REQUIRE_SERVICES:
        assert settings.CELERY_TASK_ALWAYS_EAGER is False  # through Redis and the real worker
    assert ping.delay().get(timeout=30) == "pong"
