"""The REST API under /api/v1/: public open data, and the volunteers' own work.

Reads go through the same querysets and selectors as the pages; every write calls the same
service function as the web form, so transitions, constraints, moderation and permissions
are the site's own. `common` holds what every endpoint does the same way (the campaign
shown, pages, refusals as JSON), `auth` the tokens and rate limits.
"""
