from .accounts import ApiToken, User
from .appeals import Appeal, AppealEvent, AppealGround, Outcome, Stage
from .claims import Campaign, Claim, ClaimHelper, RecordCategory, TargetActivity
from .comments import Comment, HelpWanted, Notification, TeamMessage, Visibility, Watch
from .corrections import Correction
from .directory import (
    AccessRegime,
    Answer,
    DayKind,
    PoliceService,
    Province,
    RegimeRuleSet,
    RouteStatus,
)
from .municipalities import Municipality
from .outbox import OutgoingEmail
from .releases import (
    Finding,
    FindingField,
    FindingRevision,
    Release,
    ReleaseDecision,
    StoredFile,
    Vendor,
)
from .requests import (
    AccessRequest,
    DigestSent,
    LetterTemplate,
    Method,
    RequestEvent,
    Status,
)

__all__ = [
    "AccessRegime",
    "AccessRequest",
    "Answer",
    "ApiToken",
    "Appeal",
    "AppealEvent",
    "AppealGround",
    "Campaign",
    "Claim",
    "ClaimHelper",
    "Comment",
    "Correction",
    "DayKind",
    "DigestSent",
    "Finding",
    "FindingField",
    "FindingRevision",
    "HelpWanted",
    "LetterTemplate",
    "Method",
    "Municipality",
    "Notification",
    "Outcome",
    "OutgoingEmail",
    "PoliceService",
    "Province",
    "RecordCategory",
    "RegimeRuleSet",
    "Release",
    "ReleaseDecision",
    "RequestEvent",
    "RouteStatus",
    "Stage",
    "Status",
    "StoredFile",
    "TargetActivity",
    "TeamMessage",
    "User",
    "Vendor",
    "Visibility",
    "Watch",
]
