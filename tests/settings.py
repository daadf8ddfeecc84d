"""Test settings: the site's own, on the embedded defaults, with a fast password hasher.

pytest (plain, as an editor runs it, or through `make test`) loads these; nothing else
differs from what `make run` serves.
"""

import os

# Local defaults, as `make test` sets them; CI and a developer's .env may say otherwise.
os.environ.setdefault("DEBUG", "true")

from campaign.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite calls the API thousands of times from one address, and in the services run the
# counts live in Redis across tests: the rate-limit tests set their own rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "100000/minute",
    ),
}
# The same for the site's own limits on claims, uploads, comments...: the tests of those
# limits set their own.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/minute")  # noqa: F405

# The map's pre-building runs after each change (a task on commit): the tests that are about
# it turn it on; elsewhere it would only rebuild the coverage after every row a test writes.
MAP_PREBUILD = False

# A test that changes the data and reads the map at once must see the change, whatever
# process (a Celery worker in the services run) made it.
MAP_VERSION_MEMO_SECONDS = 0
