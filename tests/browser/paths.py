"""Where the browser tests find Chromium and leave the pages of their failures: read by this
folder's fixtures and by the run's summary in tests/conftest.py."""

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"
