"""Appeals to the commissioner (each law's own recourse: a complaint, a request for review,
an appeal) and their append-only stage events."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import choice_label
from .base import AppendOnly
from .releases import StoredFile
from .requests import AccessRequest

if TYPE_CHECKING:
    from ..appeal_deadlines import AppealDeadline


class Stage(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    FILED = "filed", _("Filed with the commissioner")
    INTAKE = "intake", _("Intake")
    MEDIATION = "mediation", _("Mediation")
    ADJUDICATION = "adjudication", _("Adjudication or inquiry")
    ORDER = "order", _("Order or report issued")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STAGES = frozenset({Stage.RESOLVED, Stage.WITHDRAWN})
OPEN_STAGES = [stage for stage in Stage if stage not in CLOSED_STAGES]


class Outcome(models.TextChoices):
    RELEASED = "released", _("Records ordered released")
    PARTLY_RELEASED = "partly_released", _("Records partly released")
    UPHELD = "upheld", _("Decision upheld")
    SETTLED = "settled", _("Settled in mediation")


class AppealQuerySet(models.QuerySet):
    def open(self):
        # Named rather than excluded, so that the stage index finds the few open appeals.
        return self.filter(stage__in=OPEN_STAGES)

    def taken(self):
        """Appeals that went to the commissioner (not a draft, not withdrawn): the target
        shows as appealed, with the stage and outcome."""
        return self.exclude(stage__in=[Stage.DRAFTING, Stage.WITHDRAWN])


class Appeal(models.Model):
    """A challenge to a decision, or to a silence the law treats as a refusal."""

    class Basis(models.TextChoices):
        DECISION = "decision", _("A decision")
        DEEMED_REFUSAL = "deemed_refusal", _("No answer in time (deemed refusal)")

    request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("request")
    )
    basis = models.CharField(_("what is appealed"), max_length=16, choices=Basis)
    decision_on = models.DateField(
        _("decision received on"),
        help_text=_("For a deemed refusal: the last day the police service had to answer."),
    )
    # Derived from the events and stored for queries, like a request's status.
    stage = models.CharField(_("stage"), max_length=16, choices=Stage, default=Stage.DRAFTING)
    stage_on = models.DateField(_("stage since"), default=timezone.localdate)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    file_number = models.CharField(_("commissioner's file number"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    order_number = models.CharField(_("order or report number"), max_length=80, blank=True)
    order_url = models.URLField(_("order or report link"), max_length=500, blank=True)
    file_by = models.DateField(_("last day to file"), null=True, blank=True)
    # A date the commissioner's office set (representations due, a mediation call, a
    # hearing): the digest reminds the team of it.
    commissioner_date = models.DateField(_("date set by the commissioner"), null=True, blank=True)
    commissioner_date_for = models.CharField(_("what that date is for"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-opened_at"]
        constraints = [
            # One appeal going per request; a new one once it is resolved or withdrawn.
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(stage__in=["resolved", "withdrawn"]),
                name="one_open_appeal_per_request",
            ),
        ]
        indexes = [
            # The dashboard's open appeals by stage; reminders of filing deadlines.
            models.Index(fields=["stage", "file_by"], name="appeal_stage_file_by"),
        ]

    def __str__(self):
        return f"{self.request.police_service} · {self.get_stage_display()}"

    def get_absolute_url(self):
        return reverse("requests_app:appeal", kwargs={"pk": self.pk})

    def get_stage_display(self):  # the dashboard lists many
        return choice_label(Stage, self.stage)

    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    def deadline(self) -> "AppealDeadline":
        """The last day to file, worked out from the law copied onto the request."""
        from ..appeal_deadlines import appeal_deadline

        return appeal_deadline(self.request, basis=self.basis, decided_on=self.decision_on)


class AppealGround(models.Model):
    """One thing the appeal contests; an appeal has one or several."""

    class Kind(models.TextChoices):
        DEEMED_REFUSAL = "deemed_refusal", _("No answer in time (deemed refusal)")
        EXEMPTION = "exemption", _("An exemption claimed")
        FEES = "fees", _("Fees, or a refused fee waiver")
        EXTENSION = "extension", _("The time extension")
        SEARCH = "search", _("An inadequate search, or records missing")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="grounds")
    kind = models.CharField(_("ground"), max_length=16, choices=Kind)
    section = models.CharField(
        _("section claimed"),
        max_length=120,
        blank=True,
        help_text=_("For an exemption: the section the police service relied on, e.g. s.8(1)(c)."),
    )
    note = models.TextField(_("what is contested"), blank=True)

    class Meta:
        verbose_name = _("ground of appeal")
        verbose_name_plural = _("grounds of appeal")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="exemption") | ~Q(section=""),
                name="an_exemption_ground_names_its_section",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.section}".strip()


class AppealEvent(AppendOnly, models.Model):
    """One stage of an appeal, with the day it happened; append-only."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage)
    occurred_on = models.DateField(_("happened on"))
    note = models.TextField(_("note"), blank=True)
    # The commissioner's letters: stored once, sniffed and named by the site, like releases.
    attachment = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appeal stage")
        verbose_name_plural = _("appeal stages")
        # In the order recorded, which follows the stages (drafting is dated the day the
        # appeal was opened here, which can be after an earlier filing is logged).
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.occurred_on}"
