from .accounts import User
from .directory import (
    AccessRegime,
    Answer,
    DayKind,
    PoliceService,
    Province,
    RegimeRuleSet,
)

__all__ = [
    "AccessRegime",
    "Answer",
    "DayKind",
    "PoliceService",
    "Province",
    "RegimeRuleSet",
    "User",
]
