from .accounts import User
from .claims import Campaign, Claim, ClaimHelper, RecordCategory, TargetActivity
from .directory import AccessRegime, Answer, DayKind, PoliceService, Province, RegimeRuleSet
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
    "DayKind",
    "DigestSent",
    "LetterTemplate",
    "Method",
    "PoliceService",
    "Province",
    "RecordCategory",
    "RegimeRuleSet",
    "RequestEvent",
    "Status",
    "TargetActivity",
    "User",
]
