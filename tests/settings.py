"""Test settings: the site's own, on the embedded defaults, with a fast password hasher.

pytest (plain, as an editor runs it, or through `make test`) loads these; nothing else
differs from what `make run` serves.
"""

import os

# Local defaults, as `make test` sets them; CI and a developer's .env may say otherwise.
os.environ.setdefault("DEBUG", "true")

from campaign.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
