"""Corrections from the field: a volunteer proposes a new value for a filing or law fact,
with a source; an organizer accepts or rejects it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .directory import AccessRegime, PoliceService, RegimeRuleSet

# Facts a correction never touches: keys, the dates of a rule set (a law change is a new rule
# set), and the research fields organizers keep.
_NOT_CORRECTABLE = {
    "id", "code", "jurisdiction", "regime", "effective_from", "effective_to",
    "source_urls", "last_verified", "notes", "unconfirmed",
}  # fmt: skip


# A service's filing facts a volunteer may correct, the French text of each fact in words
# included; a correction's source and day checked go on the fact's own `_source`/`_checked`.
SERVICE_FACTS = [
    *PoliceService.FILING_FACTS,
    *(f"{fact}_fr" for fact in PoliceService.TRANSLATED_FACTS),
]


def correctable_fields(model) -> list[str]:
    """The facts of a regime or rule set a volunteer may propose a correction to."""
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and f.editable and f.name not in _NOT_CORRECTABLE
    ]


class Correction(models.Model):
    class Target(models.TextChoices):
        SERVICE = "service", _("how to file with the service")
        REGIME = "regime", _("the law")
        RULE_SET = "rule_set", _("the law's time rules")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    police_service = models.ForeignKey(
        PoliceService,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("police service"),
        help_text=_("The service page it was proposed on."),
    )
    target = models.CharField(_("what it corrects"), max_length=10, choices=Target)
    # The regime or rule set corrected (the one in force when it was proposed).
    regime = models.ForeignKey(
        AccessRegime, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rule_set = models.ForeignKey(
        RegimeRuleSet, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("fact"), max_length=60)
    current_value = models.TextField(_("value when proposed"), blank=True)
    proposed_value = models.TextField(_("proposed value"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    letter = models.ForeignKey(
        "StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("letter from the service"),
    )
    letter_name = models.CharField(_("file name"), max_length=200, blank=True)
    note = models.TextField(_("explanation"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrections"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["proposed_at", "pk"]
        indexes = [
            # The organizers' queue: pending corrections, oldest first.
            models.Index(fields=["status", "proposed_at"], name="correction_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_url="") | Q(letter__isnull=False),
                name="correction_has_a_source",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="correction_decision_is_dated",
            ),
        ]

    def __str__(self):
        return f"{self.police_service} · {self.field_label}"

    @property
    def corrected(self):
        """The row the correction applies to."""
        return {
            self.Target.SERVICE: self.police_service,
            self.Target.REGIME: self.regime,
            self.Target.RULE_SET: self.rule_set,
        }[self.target]

    @property
    def field_label(self) -> str:
        return str(type(self.corrected)._meta.get_field(self.field).verbose_name)
