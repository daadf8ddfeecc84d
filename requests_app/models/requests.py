"""Access requests and their append-only status events."""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ..deadlines import DueDate

from ..choices import Answer, DayKind, DeemedRefusalReview, choice_label
from .base import AppendOnly
from .claims import Campaign, Claim, RecordCategory
from .directory import AccessRegime, PoliceService, RegimeRuleSet


class Status(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    FILED = "filed", _("Filed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    FEE_ESTIMATE = "fee_estimate", _("Fee estimate")
    FEE_PAID = "fee_paid", _("Fee paid or waived")
    FEE_WAIVER_REFUSED = "fee_waiver_refused", _("Fee waiver refused")
    EXTENDED = "extended", _("Extended")
    TRANSFERRED = "transferred", _("Transferred")
    PARTIAL_RELEASE = "partial_release", _("Partial release")
    FULL_RELEASE = "full_release", _("Full release")
    NO_RECORDS = "no_records", _("No records exist")
    REFUSED = "refused", _("Refused")
    ABANDONED = "abandoned", _("Abandoned or withdrawn")
    CLOSED = "closed", _("Closed")


# Waiting for the body's answer: the due date runs.
OPEN_STATUSES = frozenset(
    {
        Status.FILED,
        Status.ACKNOWLEDGED,
        Status.CLARIFICATION_REQUESTED,
        Status.FEE_ESTIMATE,
        Status.FEE_PAID,
        Status.FEE_WAIVER_REFUSED,
        Status.EXTENDED,
        Status.TRANSFERRED,
    }
)
DECISION_STATUSES = frozenset(
    {Status.PARTIAL_RELEASE, Status.FULL_RELEASE, Status.NO_RECORDS, Status.REFUSED}
)
RELEASE_STATUSES = frozenset({Status.PARTIAL_RELEASE, Status.FULL_RELEASE})


TIME_RULE_FIELDS = (
    "response_days",
    "day_kind",
    "fee_estimate_pauses_clock",
    "deemed_refusal",
    "deemed_refusal_review",
)


class Method(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    EMAIL = "email", _("E-mail")
    MAIL = "mail", _("Mail")
    IN_PERSON = "in_person", _("In person")


def _overdue(today: date) -> Q:
    """Still waiting for the answer after its due date (the due date itself is on time)."""
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def _had_step(statuses) -> Exists:
    """The request has reached one of these statuses at some point (its events say so)."""
    return Exists(RequestEvent.objects.filter(request=OuterRef("pk"), status__in=statuses))


def _released() -> Q:
    return Q(status__in=RELEASE_STATUSES)


def _appealed() -> Exists:
    from .appeals import Appeal

    return Exists(Appeal.objects.taken().filter(request=OuterRef("pk")))


class AccessRequestQuerySet(models.QuerySet):
    def filed(self):
        return self.filter(filed_on__isnull=False)

    def for_target(self, campaign, service):
        return self.filter(campaign=campaign, police_service=service)

    def overdue(self, today: date):
        return self.filter(_overdue(today))

    def newly_overdue(self, today: date):
        """Requests whose answer became overdue today (their due date was yesterday)."""
        return self.overdue(today).filter(due_on=today - timedelta(days=1))

    def target_rank(self, today: date):
        """Annotate `rank`: how far each request took its target (filed 2, overdue 3,
        records released 4, appealed 5), so a target's status is the highest rank of its
        requests."""
        return self.annotate(
            rank=models.Case(
                models.When(_appealed(), then=5),
                models.When(_released(), then=4),
                models.When(_overdue(today), then=3),
                default=2,
                output_field=models.IntegerField(),
            )
        )

    def progress(self, today: date):
        """Annotate, as 0 or 1 so that a grouped query can take the highest per target, how
        far each request went: `awaiting` (waiting for the answer), `overdue` (waiting past
        its due date), `answered` (a decision came, even if the request was closed since),
        and `released` and `appealed` as `target_rank` ranks them."""

        def flag(condition):
            return models.Case(
                models.When(condition, then=1), default=0, output_field=models.IntegerField()
            )

        return self.annotate(
            awaiting=flag(Q(status__in=OPEN_STATUSES)),
            overdue_now=flag(_overdue(today)),
            answered=flag(Q(status__in=DECISION_STATUSES) | _had_step(DECISION_STATUSES)),
            released=flag(_released()),
            appealed=flag(_appealed()),
        )

    def worked_on_by(self, user):
        """Requests of the targets the person works on now (`ClaimQuerySet.involving`): a
        volunteer who left the target, even the one who filed, no longer works on them."""
        working = Claim.objects.involving(user).filter(
            campaign=OuterRef("campaign"), police_service=OuterRef("police_service")
        )
        return self.filter(Exists(working))

    def visible_to(self, user):
        """Requests a person may see in full and act on: their team's, or all for organizers."""
        from ..roles import is_organizer

        return self.all() if is_organizer(user) else self.worked_on_by(user)


class AccessRequest(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="requests", verbose_name=_("campaign")
    )
    police_service = models.ForeignKey(
        PoliceService,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("police service"),
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("filed by"),
    )
    regime = models.ForeignKey(AccessRegime, on_delete=models.PROTECT, related_name="requests")
    # The time rules in force on the day the request was received, copied onto the request
    # so that a later law change or directory edit never moves its deadline.
    rule_set = models.ForeignKey(
        RegimeRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    jurisdiction = models.CharField(max_length=2, blank=True)
    response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    day_kind = models.CharField(max_length=8, blank=True)
    fee_estimate_pauses_clock = models.CharField(max_length=12, choices=Answer, blank=True)
    deemed_refusal = models.CharField(max_length=12, choices=Answer, blank=True)
    appeal_window_days = models.PositiveSmallIntegerField(null=True, blank=True)
    appeal_day_kind = models.CharField(max_length=8, blank=True)
    # The window above is the shortest plausible reading of a law that does not confirm it.
    appeal_window_unconfirmed = models.BooleanField(default=False)
    deemed_refusal_review = models.CharField(max_length=16, choices=DeemedRefusalReview, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    received_on = models.DateField(
        _("received by the police service on"),
        null=True,
        blank=True,
        help_text=_("The deadline counts from this day; the filing day unless known otherwise."),
    )
    method = models.CharField(_("how it was filed"), max_length=10, choices=Method, blank=True)
    reference_number = models.CharField(_("their reference number"), max_length=80, blank=True)
    fees_paid = models.DecimalField(
        _("fees paid (CAD)"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    categories = models.ManyToManyField(
        RecordCategory, related_name="requests", verbose_name=_("records asked for")
    )
    records_from = models.DateField(_("records from"), null=True, blank=True)
    records_to = models.DateField(_("records to"), null=True, blank=True)
    letter_language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="en")
    letter_text = models.TextField(_("the letter as sent"), blank=True)
    # The same without the volunteer's name and contact details, for the public page; blank
    # when they are not known (a letter written outside the site).
    public_letter_text = models.TextField(_("the letter as sent, for the public"), blank=True)
    filed_outside_site = models.BooleanField(_("filed without the site's letter"), default=False)
    # Derived from the events and stored for fast queries.
    status = models.CharField(_("status"), max_length=24, choices=Status, default=Status.DRAFTED)
    status_on = models.DateField(_("status since"), default=timezone.localdate)
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    appeal_due_on = models.DateField(_("appeal due by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        indexes = [
            # Dashboards: overdue and due-soon requests.
            models.Index(fields=["status", "due_on"], name="request_status_due"),
            # A campaign's overdue requests (the dashboard): without it, SQLite, which keeps
            # no statistics unless told to, reads every request of the campaign.
            models.Index(
                fields=["campaign", "status", "due_on"], name="request_campaign_status_due"
            ),
            # A target's requests; with the filing day, whether it has a filed one (the
            # claims about to expire) is read from the index alone.
            models.Index(
                fields=["campaign", "police_service", "filed_on"], name="request_target_filed"
            ),
        ]
        constraints = [
            # Two people filing at once get one request going per target.
            models.UniqueConstraint(
                fields=["campaign", "police_service"],
                condition=~Q(status__in=["abandoned", "closed"]),
                name="one_open_request_per_target",
            ),
            models.CheckConstraint(
                condition=Q(records_to__isnull=True)
                | Q(records_from__isnull=True)
                | Q(records_to__gte=models.F("records_from")),
                name="request_records_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.police_service} ({self.get_status_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("requests_app:request", kwargs={"pk": self.pk})

    def get_status_display(self):  # the dashboard lists many
        return choice_label(Status, self.status)

    @property
    def counts_from(self) -> date | None:
        return self.received_on or self.filed_on

    @property
    def day_kind_label(self) -> str:
        """How its time limit counts days ("business days"); blank where that is unknown."""
        return DayKind(self.day_kind).label if self.day_kind in DayKind.values else ""

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        """`AccessRequestQuerySet.overdue` on one loaded request."""
        from ..deadlines import is_overdue

        return self.is_open() and is_overdue(self.due_on, today)

    def is_open_to(self, user) -> bool:
        """Whether the person may see it in full and act on it (`visible_to`)."""
        return AccessRequest.objects.visible_to(user).filter(pk=self.pk).exists()

    def rules_copy(self, rule_set: RegimeRuleSet | None) -> None:
        """Keep the time rules in force when the request was received, for good."""
        self.rule_set = rule_set
        self.jurisdiction = self.regime.jurisdiction
        for name in TIME_RULE_FIELDS:
            value = getattr(rule_set, name) if rule_set else None
            if value is None and name != "response_days":
                value = ""
            setattr(self, name, value)
        # Where the window is unconfirmed, its earliest reading, flagged: never a late date.
        days, kind, confirmed = rule_set.appeal_window() if rule_set else (None, "", True)
        self.appeal_window_days, self.appeal_day_kind = days, kind
        self.appeal_window_unconfirmed = bool(days) and not confirmed

    def is_deemed_refusal(self, today: date) -> bool:
        """Overdue where the law treats silence as a refusal, which opens the appeal path."""
        return self.is_overdue(today) and self.deemed_refusal == Answer.YES

    def deadline(self, events=None) -> "DueDate | None":
        """How the answer's due date is worked out from the law and the events so far."""
        from ..deadlines import Pause, TimeLimit, compute_due_date

        if not self.response_days or not self.day_kind or not self.counts_from:
            return None
        events = list(self.events.all()) if events is None else events
        pauses, started = [], None
        # A fee estimate stops the clock where the law says so; where that is unconfirmed the
        # response reading is the later date, so the clock stops then too.
        if self.fee_estimate_pauses_clock in (Answer.YES, Answer.UNCONFIRMED):
            for event in events:
                if event.status == Status.FEE_ESTIMATE and started is None:
                    started = event.occurred_on
                elif event.status == Status.FEE_PAID and started is not None:
                    pauses.append(Pause(started, event.occurred_on, "fee estimate"))
                    started = None
            if started is not None:
                pauses.append(Pause(started, None, "fee estimate"))
        extension = sum(e.extension_days or 0 for e in events if e.status == Status.EXTENDED)
        return compute_due_date(
            received_on=self.counts_from,
            limit=TimeLimit(self.response_days, self.day_kind, self.jurisdiction),
            extension_days=extension,
            pauses=tuple(pauses),
        )

    def stated_due_on(self, events) -> date | None:
        """A new due date the body itself gave (in an extension or transfer notice)."""
        stated = [e.new_due_on for e in events if e.new_due_on]
        return stated[-1] if stated else None

    def appeal_deadline(self, events) -> "DueDate | None":
        """The last day to appeal the latest decision, where a window is known or has an
        earliest plausible reading (then `appeal_window_unconfirmed` says so)."""
        from ..deadlines import APPEAL, TimeLimit, compute_due_date

        decisions = [e for e in events if e.status in DECISION_STATUSES]
        if not decisions or not self.appeal_window_days:
            return None
        return compute_due_date(
            received_on=decisions[-1].occurred_on,
            limit=TimeLimit(
                self.appeal_window_days, self.appeal_day_kind or "calendar", self.jurisdiction
            ),
            purpose=APPEAL,
        )


class RequestEvent(AppendOnly, models.Model):
    """One step of a request, with the day it happened; append-only."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=24, choices=Status)
    occurred_on = models.DateField(_("happened on"))
    note = models.TextField(_("note"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # A letter that came with the step: stored once, sniffed and named by the site.
    attachment = models.ForeignKey(
        "StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attachment"),
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    section_cited = models.CharField(_("section cited"), max_length=120, blank=True)
    amount = models.DecimalField(
        _("amount (CAD)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        ordering = ["occurred_on", "logged_at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} {self.occurred_on}"


class LetterTemplate(models.Model):
    """An organizer's wording of a request or appeal letter for one regime (or all) and
    language."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request letter")
        APPEAL = "appeal", _("Appeal letter")

    kind = models.CharField(_("letter"), max_length=8, choices=Kind, default=Kind.REQUEST)
    regime = models.ForeignKey(
        AccessRegime,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_templates",
        help_text=_("Blank: used for every regime without its own template."),
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Django template syntax. Available: today, requester_name, requester_contact, "
            "addressee, office_name, postal_address, service_name, service_held_by (with its "
            "article in French), law_unconfirmed (no access law is confirmed: cite none), "
            "letter_basis, law_name, law (with its article), citation, "
            "right_of_access_section, time_limit_section, fee_waiver_section (numbers, blank "
            "when unconfirmed) and right_of_access, time_limit, fee_waiver, "
            "application_fee_section (the same as 'section 4(1)' or 'paragraphe 4(1)'), "
            "application_fee, fee_unknown, fee_none, fee_payee, fee_by_card, "
            "fee_waiver_ground, response_days, day_kind (blank when the time limit is not "
            "confirmed), categories (each with title and wording), records_from, records_to."
            " Appeal letters: appeal_body, recourse, review_section, law, citation, "
            "service_held_by, reference_number, filed_on, received_on, deemed_refusal, "
            "decision_on, file_number, exemptions (each with section and note), "
            "contests_fees, contests_extension, contests_search, notes, appeal_fee, "
            "appeal_fee_unknown, appeal_fee_notes."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "regime", "language"],
                name="one_letter_template_per_kind_regime_language",
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(regime__isnull=True),
                name="one_default_letter_template_per_kind_language",
            ),
        ]

    def __str__(self):
        regime = self.regime.code if self.regime else "default"
        return f"{self.get_kind_display()}: {regime} ({self.language})"

    def clean(self):
        from django.template import Engine, TemplateSyntaxError

        try:
            Engine(autoescape=False).from_string(self.body)
        except TemplateSyntaxError as error:
            raise ValidationError({"body": str(error)}) from error


class DigestSent(models.Model):
    """One reminder e-mail of each kind per person per day, recorded before it is sent."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    kind = models.CharField(max_length=16, default="digest")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "day", "kind"], name="one_reminder_per_person_day_kind"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.day}"
