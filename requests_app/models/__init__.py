from .accounts import User
from .claims import Campaign, Claim, ClaimHelper, RecordCategory, TargetActivity
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
    "Campaign",
    "Claim",
    "ClaimHelper",
    "Correction",
    "DayKind",
    "DigestSent",
    "Finding",
    "FindingField",
    "FindingRevision",
    "LetterTemplate",
    "Method",
    "Municipality",
    "PoliceService",
    "Province",
    "RecordCategory",
    "RegimeRuleSet",
    "Release",
    "ReleaseDecision",
    "RequestEvent",
    "RouteStatus",
    "Status",
    "StoredFile",
    "TargetActivity",
    "User",
    "Vendor",
]
