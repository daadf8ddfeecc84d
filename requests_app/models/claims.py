"""Campaigns and claims: who is working on which police service, and what happened."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .base import AppendOnly
from .directory import PoliceService


class CampaignQuerySet(models.QuerySet):
    def real(self):
        return self.filter(is_demo=False)

    def open_on(self, day: date):
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day), active=True, starts_on__lte=day
        )


class Campaign(models.Model):
    """A push to get one kind of record from police services (the site ships "ALPR records")."""

    name = models.CharField(_("name"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_(
            "Fictional data (`load_demo`): never shown unless chosen, marked Demo wherever it "
            "appears, never counted with the real campaigns."
        ),
    )
    records_from = models.DateField(
        _("records from"),
        help_text=_("Default start of the date range the letters ask records for."),
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_fr if get_language() == "fr" and self.name_fr else self.name

    def is_open(self, day: date) -> bool:
        return (
            self.active and self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
        )


class RecordCategory(models.Model):
    """One kind of record a campaign's letters ask for, worded precisely in both languages."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="categories", verbose_name=_("campaign")
    )
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=160)
    title_fr = models.CharField(_("title (French)"), max_length=160)
    wording_en = models.TextField(_("letter wording (English)"))
    wording_fr = models.TextField(_("letter wording (French)"))

    class Meta:
        verbose_name = _("record category")
        verbose_name_plural = _("record categories")
        ordering = ["campaign", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "key"], name="one_category_key_per_campaign"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if get_language() == "fr" else self.title_en


# An unfiled claim's reminder is due this many days before it is released.
REMINDER_DAYS_BEFORE_EXPIRY = 3


class ClaimQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)

    def reminder_due(self, today: date, stale_days: int):
        """Claims whose reminder is due by `today` (`Claim.reminder_due_on`), in SQL: those
        claimed before the local midnight that ends the last day that qualifies."""
        last_day = today - timedelta(days=stale_days - REMINDER_DAYS_BEFORE_EXPIRY)
        ends = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        return self.filter(claimed_at__lt=ends)

    def involving(self, user):
        """Active claims the user works on: as claimant or accepted helper.

        Who works on a target is this rule, in SQL; `Claim.team` is the same rule on a
        loaded claim. Requests, pages, reminders and the calendar feed all go through one
        of the two.
        """
        if not user.is_authenticated:
            return self.none()
        return (
            self.active()
            .filter(
                Q(volunteer=user)
                | Q(helpers__volunteer=user, helpers__status=ClaimHelper.Status.ACCEPTED)
            )
            .distinct()
        )

    def for_target(self, campaign, service):
        return self.filter(campaign=campaign, police_service=service)

    def with_team(self):
        """Load what `Claim.team` reads, for many claims in two queries."""
        return self.select_related("volunteer").prefetch_related("helpers__volunteer")


class Claim(models.Model):
    """A volunteer taking on one target: a (campaign, police service) pair."""

    class Ending(models.TextChoices):
        RELEASED = "released", _("released by the volunteer")
        EXPIRED = "expired", _("expired: no request filed in time")
        REASSIGNED = "reassigned", _("reassigned by an organizer")
        ORGANIZER = "organizer", _("released by an organizer")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="claims", verbose_name=_("campaign")
    )
    police_service = models.ForeignKey(
        PoliceService,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("police service"),
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("volunteer"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    ending = models.CharField(_("how it ended"), max_length=12, choices=Ending, blank=True)
    ending_reason = models.TextField(_("why it ended"), blank=True)
    # Set once, by the daily task, so a second run the same day sends nothing.
    reminder_sent_on = models.DateField(_("stale reminder sent on"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_at"]
        constraints = [
            # Two volunteers clicking at once get one claim: the database refuses the second.
            models.UniqueConstraint(
                fields=["campaign", "police_service"],
                condition=Q(released_at__isnull=True),
                name="one_active_claim_per_target",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(ending=""),
                name="released_claim_says_how",
            ),
        ]
        indexes = [
            # The daily stale-claim review and "my targets" read active claims.
            models.Index(fields=["released_at", "claimed_at"], name="claim_active_age"),
        ]

    def __str__(self):
        return f"{self.police_service} · {self.campaign}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    def expires_on(self, stale_days: int) -> date:
        """The day an unfiled claim is released."""
        return timezone.localdate(self.claimed_at) + timedelta(days=stale_days)

    def reminder_due_on(self, stale_days: int) -> date:
        return self.expires_on(stale_days) - timedelta(days=REMINDER_DAYS_BEFORE_EXPIRY)

    def team(self) -> list:
        """The people working on the target: the claimant, then the accepted helpers
        (the same rule as `ClaimQuerySet.involving`; reads prefetched helpers)."""
        helpers = [
            h.volunteer for h in self.helpers.all() if h.status == ClaimHelper.Status.ACCEPTED
        ]
        return [self.volunteer, *helpers]

    def is_worked_on_by(self, user) -> bool:
        """The claimant or an accepted helper."""
        if not user.is_authenticated or not self.is_active:
            return False
        return any(person.pk == user.pk for person in self.team())

    def can_be_released_by(self, user) -> bool:
        from ..roles import is_organizer

        return user.is_authenticated and (self.volunteer_id == user.pk or is_organizer(user))

    def can_be_offered_help_by(self, user) -> bool:
        """Anyone signed in who is not the claimant and has not offered yet."""
        return (
            user.is_authenticated
            and self.volunteer_id != user.pk
            and not any(h.volunteer_id == user.pk for h in self.helpers.all())
        )


class ClaimHelper(models.Model):
    """A volunteer offering to help with a claimed target; the claimant decides."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="helpers")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="helping"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OFFERED)
    message = models.TextField(_("message to the claimant"), blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-volunteer")
        verbose_name_plural = _("co-volunteers")
        constraints = [
            models.UniqueConstraint(fields=["claim", "volunteer"], name="one_offer_per_helper"),
        ]

    def __str__(self):
        return f"{self.volunteer} on {self.claim}"


class TargetActivity(AppendOnly, models.Model):
    """Append-only history of a target: who did what, when and why."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        HELP_OFFERED = "help_offered", _("offered to help")
        HELP_ACCEPTED = "help_accepted", _("accepted a co-volunteer")
        HELP_DECLINED = "help_declined", _("declined a co-volunteer")
        REMINDED = "reminded", _("sent a reminder to file")
        NUDGED = "nudged", _("reminded the volunteer")
        RELEASED = "released", _("released")
        EXPIRED = "expired", _("expired")
        REASSIGNED = "reassigned", _("reassigned")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="activity")
    police_service = models.ForeignKey(
        PoliceService, on_delete=models.PROTECT, related_name="activity"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="activity", null=True, blank=True
    )
    kind = models.CharField(max_length=16, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Blank when the site did it (e.g. a daily task)."),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who it was done to: the new claimant, the helper."),
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("target activity")
        verbose_name_plural = _("target activity")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The target page's history.
            models.Index(
                fields=["campaign", "police_service", "created_at"], name="activity_target"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.police_service} {self.created_at:%Y-%m-%d}"
