"""The app's pages, one module per concern; each view parses, checks access, calls one
service or selector, and renders."""

from .appeals import appeal_attachment, appeal_detail, appeal_letter, appeal_open
from .claims import (
    claim_create,
    claim_help_decide,
    claim_help_offer,
    claim_reassign,
    claim_release,
    claim_remind,
    me,
    profile,
)
from .coordination import (
    comment_create,
    comment_hide,
    help_wanted,
    help_wanted_close,
    help_wanted_open,
    service_watch,
    team_message,
    watch,
    watch_stop,
)
from .corrections import (
    correction_decide,
    correction_letter,
    correction_new,
    corrections_queue,
)
from .directory import directory, guide, service_detail
from .releases import (
    findings,
    findings_csv,
    moderation_queue,
    release_detail,
    release_file,
    release_upload,
    releases_search,
)
from .requests import (
    calendar_feed,
    calendar_token,
    event_attachment,
    letter,
    request_detail,
    request_file,
)
from .tokens import api_token_create, api_token_revoke

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "appeal_attachment",
    "appeal_detail",
    "appeal_letter",
    "appeal_open",
    "calendar_feed",
    "calendar_token",
    "claim_create",
    "claim_help_decide",
    "claim_help_offer",
    "claim_reassign",
    "claim_release",
    "claim_remind",
    "comment_create",
    "comment_hide",
    "correction_decide",
    "correction_letter",
    "correction_new",
    "corrections_queue",
    "directory",
    "event_attachment",
    "findings",
    "findings_csv",
    "guide",
    "help_wanted",
    "help_wanted_close",
    "help_wanted_open",
    "letter",
    "me",
    "moderation_queue",
    "profile",
    "release_detail",
    "release_file",
    "release_upload",
    "releases_search",
    "request_detail",
    "request_file",
    "service_detail",
    "service_watch",
    "team_message",
    "watch",
    "watch_stop",
]
