"""The directory: access-to-information regimes, their dated time rules, police services."""

import re
import unicodedata
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Answer, DayKind, DeemedRefusalReview, choice_label

# Canada's extent, for validating headquarters coordinates.
LATITUDE_RANGE = (41.6, 83.2)
LONGITUDE_RANGE = (-141.1, -52.5)


def latitude_field() -> models.DecimalField:
    """A latitude inside Canada, indexed with its longitude for map queries."""
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(LONGITUDE_RANGE[0]), MaxValueValidator(LONGITUDE_RANGE[1])],
    )


class _RangeConstraint(models.CheckConstraint):
    """A coordinate's range, enforced by the database. Model validation (forms, the admin,
    imports) leaves it to the field's own validators, which check the same range first and
    say what is wrong in words: checking it again cost a query per row and constraint."""

    def validate(self, model, instance, exclude=None, using=None):
        pass

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


def coordinates_in_canada(prefix: str) -> list[models.CheckConstraint]:
    """The database's checks of a `latitude_field` and a `longitude_field`."""
    return [
        _RangeConstraint(
            condition=Q(latitude__gte=LATITUDE_RANGE[0], latitude__lte=LATITUDE_RANGE[1]),
            name=f"{prefix}_latitude_in_canada",
        ),
        _RangeConstraint(
            condition=Q(longitude__gte=LONGITUDE_RANGE[0], longitude__lte=LONGITUDE_RANGE[1]),
            name=f"{prefix}_longitude_in_canada",
        ),
    ]


class Province(models.TextChoices):
    """Provinces and territories, plus CA for federal laws and national bodies."""

    CA = "CA", _("Federal")
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class RouteStatus(models.TextChoices):
    """How far a service's way to file is known, from its route facts (e-mail, portal, postal
    address) and their sources."""

    CONFIRMED = "confirmed", _("Confirmed route")
    INCOMPLETE = "incomplete", _("Route incomplete")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed leads only")
    NONE = "none", _("No route known")


# A Canadian postal code (A1A 1A1) at the end of an address's city line.
POSTAL_CODE = re.compile(r"\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b")
# The marker, in a fact's source, of a value no official page confirmed.
UNCONFIRMED_MARK = "UNCONFIRMED"


def is_mailing_address(text: str) -> bool:
    """A postal address a letter can be sent to: a postal code, and a street or box number
    besides it."""
    without_code = POSTAL_CODE.sub("", text)
    return bool(POSTAL_CODE.search(text)) and any(c.isdigit() for c in without_code)


class Recourse(models.TextChoices):
    """What the law calls the first step against a refusal, which pages name in its own words."""

    COMPLAINT = "complaint", _("complaint")
    REVIEW = "review", _("request for review")
    APPEAL = "appeal", _("appeal")


def in_language(obj, field: str, language: str | None = None) -> str:
    """A text field in the reader's language: `<field>_fr` in French when it is filled.

    `field` is the English field (`applies_to` or `name_en`); its French twin is the same
    name ending `_fr`. Everything else falls back to the English text.
    """
    language = language or get_language()
    if language == "fr":
        french = getattr(obj, f"{field.removesuffix('_en')}_fr", "")
        if french:
            return french
    return getattr(obj, field)


def search_key(*parts: str) -> str:
    """Lower-case text without accents, so "Quebec" finds "Québec"."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class AccessRegime(models.Model):
    """One access-to-information law as it applies to a kind of police body."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]+(-[A-Z0-9]+)*$", _("Use capitals, digits and -."))],
        help_text=_("Stable identifier, e.g. ON-MFIPPA. Never change it once used."),
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, choices=Province)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=40)
    placeholder = models.BooleanField(
        _("placeholder, not a confirmed law"),
        default=False,
        help_text=_(
            "A stand-in for bodies whose access rules are not known: letters cite no law and "
            "ask the body which law or policy applies."
        ),
    )
    citation = models.CharField(_("citation"), max_length=255, blank=True)
    citation_fr = models.CharField(
        _("citation (French)"),
        max_length=255,
        blank=True,
        help_text=_("The official French citation, where the law has one."),
    )
    applies_to = models.TextField(_("bodies it covers"), blank=True)
    applies_to_fr = models.TextField(_("bodies it covers (French)"), blank=True)
    requests_go_to_en = models.TextField(
        _("where requests go (English)"),
        blank=True,
        help_text=_(
            "The law's rule on which body receives a request, in plain words, e.g. in Ontario "
            "the police service board is the institution. Shown when a service's own route "
            "is not known."
        ),
    )
    requests_go_to_fr = models.TextField(_("where requests go (French)"), blank=True)
    letter_basis_en = models.CharField(
        _("what a letter cites instead of a law (English)"),
        max_length=255,
        blank=True,
        help_text=_(
            "For a placeholder: e.g. the Town's access-to-information bylaw. "
            "Blank: the letter cites nothing."
        ),
    )
    letter_basis_fr = models.CharField(
        _("what a letter cites instead of a law (French)"), max_length=255, blank=True
    )
    addressee_en = models.CharField(
        _("letters are addressed to (English)"),
        max_length=120,
        blank=True,
        help_text=_("The official's title, e.g. ATIP Coordinator. Blank: the FOI coordinator."),
    )
    addressee_fr = models.CharField(
        _("letters are addressed to (French)"), max_length=120, blank=True
    )
    application_fee = models.DecimalField(
        _("application fee (CAD)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Blank when not confirmed."),
    )
    application_fee_section = models.CharField(
        _("section requiring the application fee"),
        max_length=120,
        blank=True,
        help_text=_("E.g. s.17(1)(c). Blank when not confirmed."),
    )
    fee_payable_to_en = models.CharField(
        _("application fee payable to (English)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the law or a central office sets the payee (e.g. Receiver General for "
            "Canada); a service's own payee comes first."
        ),
    )
    fee_payable_to_fr = models.CharField(
        _("application fee payable to (French)"), max_length=200, blank=True
    )
    fee_notes = models.TextField(_("fee notes"), blank=True, help_text=_("Shown to the public."))
    fee_notes_fr = models.TextField(_("fee notes (French)"), blank=True)
    fee_waiver_basis = models.TextField(
        _("fee waiver basis"), blank=True, help_text=_("Shown to the public.")
    )
    fee_waiver_basis_fr = models.TextField(_("fee waiver basis (French)"), blank=True)
    fee_waiver_ground_en = models.CharField(
        _("fee waiver ground a letter invokes (English)"),
        max_length=255,
        blank=True,
        help_text=_(
            "A ground the law itself names, written to follow 'because', e.g. dissemination "
            "of the records will benefit public health or safety. Blank: letters ask for "
            "no waiver, only an estimate."
        ),
    )
    fee_waiver_ground_fr = models.CharField(
        _("fee waiver ground a letter invokes (French)"), max_length=255, blank=True
    )
    appeal_body_en = models.CharField(_("appeal or review body (English)"), max_length=255)
    appeal_body_fr = models.CharField(
        _("appeal or review body (French)"), max_length=255, blank=True
    )
    appeal_body_url = models.URLField(_("appeal body web page"), max_length=500, blank=True)
    appeal_body_url_fr = models.URLField(
        _("appeal body web page (French)"), max_length=500, blank=True
    )
    recourse_kind = models.CharField(
        _("kind of recourse"),
        max_length=12,
        choices=Recourse,
        blank=True,
        help_text=_("What the law calls it. Blank when not confirmed."),
    )
    recourse_en = models.CharField(
        _("recourse, in words (English)"),
        max_length=255,
        blank=True,
        help_text=_("E.g. a complaint to the Information Commissioner of Canada."),
    )
    recourse_fr = models.CharField(_("recourse, in words (French)"), max_length=255, blank=True)
    appeal_fee = models.DecimalField(
        _("appeal fee (CAD)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    appeal_fee_notes = models.TextField(_("appeal fee notes"), blank=True)
    appeal_fee_notes_fr = models.TextField(_("appeal fee notes (French)"), blank=True)
    portal_url = models.URLField(_("official page or portal"), max_length=500, blank=True)
    # The sections a letter or an appeal cites; "UNCONFIRMED" marks what could not be checked.
    right_of_access_section = models.CharField(_("right of access"), max_length=255, blank=True)
    how_to_request_section = models.CharField(_("how to request"), max_length=255, blank=True)
    duty_to_assist_section = models.CharField(_("duty to assist"), max_length=255, blank=True)
    time_limit_section = models.CharField(_("time limit"), max_length=255, blank=True)
    extension_section = models.CharField(_("extension"), max_length=255, blank=True)
    deemed_refusal_section = models.CharField(_("deemed refusal"), max_length=255, blank=True)
    fees_section = models.CharField(_("fees"), max_length=255, blank=True)
    fee_waiver_section = models.CharField(_("fee waiver"), max_length=255, blank=True)
    review_or_appeal_section = models.CharField(_("review or appeal"), max_length=255, blank=True)
    appeal_time_limit_section = models.CharField(_("appeal time limit"), max_length=255, blank=True)
    source_urls = models.TextField(_("sources"), blank=True, help_text=_("Separated by |."))
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    notes = models.TextField(
        _("research notes"), blank=True, help_text=_("Seen by organizers only.")
    )
    # Who changed what and when: admin edits, imports and accepted corrections.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access regime")
        verbose_name_plural = _("access regimes")
        ordering = ["jurisdiction", "code"]

    def __str__(self):
        return f"{self.short_name} ({self.code})"

    @property
    def name(self) -> str:
        return in_language(self, "name_en")

    @property
    def appeal_body(self) -> str:
        return in_language(self, "appeal_body_en")

    @property
    def appeal_body_page(self) -> str:
        """The appeal body's page in the reader's language, where it has one."""
        return in_language(self, "appeal_body_url")

    @property
    def recourse(self) -> str:
        return in_language(self, "recourse_en")

    @property
    def citations(self) -> str:
        """Both citations, the reader's language first ("L.R.O. 1990, chap. M.56; R.S.O. ...")."""
        first, second = self.citation, self.citation_fr
        if get_language() == "fr":
            first, second = second, first
        known = [c for c in (first, second) if c and "UNCONFIRMED" not in c.upper()]
        return "; ".join(known)

    @property
    def recourse_deadline_label(self) -> str:
        return str(
            {
                Recourse.COMPLAINT: _("Complain by"),
                Recourse.REVIEW: _("Ask for a review by"),
                Recourse.APPEAL: _("Appeal by"),
            }.get(self.recourse_kind, _("Challenge the decision by"))
        )

    @property
    def recourse_time_label(self) -> str:
        return str(
            {
                Recourse.COMPLAINT: _("Time to complain"),
                Recourse.REVIEW: _("Time to ask for a review"),
                Recourse.APPEAL: _("Time to appeal"),
            }.get(self.recourse_kind, _("Time to challenge the decision"))
        )

    @property
    def recourse_fee_label(self) -> str:
        return str(
            {
                Recourse.COMPLAINT: _("Complaint fee"),
                Recourse.REVIEW: _("Review fee"),
                Recourse.APPEAL: _("Appeal fee"),
            }.get(self.recourse_kind, _("Fee to challenge the decision"))
        )

    @property
    def sources(self) -> list[str]:
        return split_sources(self.source_urls)

    @property
    def requests_go_to(self) -> str:
        return in_language(self, "requests_go_to_en")

    @property
    def law_unconfirmed(self) -> bool:
        """A placeholder regime: the bodies it stands for have no confirmed access law."""
        return self.placeholder

    def rule_set_on(self, day: date) -> "RegimeRuleSet | None":
        """The time rules in force on `day` (a request uses those of the day it was received)."""
        # Iterates so that a prefetched list of rule sets needs no further query.
        for rule_set in self.rule_sets.all():
            ends = rule_set.effective_to
            if rule_set.effective_from <= day and (ends is None or day <= ends):
                return rule_set
        return None

    def upcoming_rule_sets(self, day: date) -> list["RegimeRuleSet"]:
        """Rule sets that come into force after `day` (announced law changes)."""
        return [r for r in self.rule_sets.all() if r.effective_from > day]

    def current_rule_set(self) -> "RegimeRuleSet | None":
        return self.rule_set_on(date.today())


def split_sources(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


class RegimeRuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day: date):
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )


class RegimeRuleSet(models.Model):
    """The time rules of a regime for the period they were in force."""

    regime = models.ForeignKey(
        AccessRegime, on_delete=models.CASCADE, related_name="rule_sets", verbose_name=_("regime")
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Blank while still in force.")
    )
    response_days = models.PositiveSmallIntegerField(
        _("response time (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Blank when the sources do not confirm it."),
    )
    day_kind = models.CharField(_("counted in"), max_length=8, choices=DayKind, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        _("extension (days)"),
        null=True,
        blank=True,
        help_text=_("Blank when the law allows 'a reasonable period' or it is unconfirmed."),
    )
    response_time_confirmed = models.BooleanField(
        _("the response time is confirmed"),
        default=True,
        help_text=_(
            "Untick when the days above are a reading the sources do not confirm (e.g. a new "
            "Act's rule): letters then promise no number of days."
        ),
    )
    extension_rule = models.TextField(_("extension rule"), blank=True)
    extension_rule_fr = models.TextField(_("extension rule (French)"), blank=True)
    fee_estimate_pauses_clock = models.CharField(
        _("a fee estimate stops the clock"), max_length=12, choices=Answer
    )
    deemed_refusal = models.CharField(
        _("no answer in time is a deemed refusal"), max_length=12, choices=Answer
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        _("appeal window (days)"),
        null=True,
        blank=True,
        help_text=_("Blank when there is no window or it is not confirmed (see notes)."),
    )
    appeal_day_kind = models.CharField(
        _("appeal window counted in"), max_length=8, choices=DayKind, blank=True
    )
    appeal_window_from = models.CharField(
        _("appeal window counted from"), max_length=255, blank=True
    )
    appeal_window_from_fr = models.CharField(
        _("appeal window counted from (French)"), max_length=255, blank=True
    )
    appeal_window_earliest_days = models.PositiveSmallIntegerField(
        _("earliest plausible appeal window (days)"),
        null=True,
        blank=True,
        help_text=_(
            "While the window is not confirmed: the shortest reading the sources allow. "
            "Deadlines use it and say it is not confirmed."
        ),
    )
    appeal_window_earliest_day_kind = models.CharField(
        _("earliest appeal window counted in"), max_length=8, choices=DayKind, blank=True
    )
    deemed_refusal_review = models.CharField(
        _("recourse against no answer in time"),
        max_length=16,
        choices=DeemedRefusalReview,
        blank=True,
        help_text=_(
            "Blank when not confirmed: the site then counts the window from the last day to "
            "answer, the earliest plausible reading, and says it is not confirmed."
        ),
    )
    unconfirmed = models.TextField(
        _("unconfirmed"),
        blank=True,
        help_text=_("What in these rules could not be confirmed. Seen by organizers only."),
    )
    source_urls = models.TextField(_("sources"), blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    notes = models.TextField(
        _("research notes"), blank=True, help_text=_("Seen by organizers only.")
    )

    objects = RegimeRuleSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("time rule set")
        verbose_name_plural = _("time rule sets")
        ordering = ["regime", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "effective_from"], name="one_rule_set_per_regime_and_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="rule_set_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(response_days__isnull=True) | Q(response_days__gte=1),
                name="response_days_positive",
            ),
        ]

    def __str__(self):
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.regime.code} {self.effective_from.isoformat()} to {end}"

    def clean(self):
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date is before the start date.")})
        if self.response_days and not self.day_kind:
            raise ValidationError(
                {"day_kind": _("Say whether these are calendar or business days.")}
            )
        if self.appeal_window_days and not self.appeal_day_kind:
            raise ValidationError(
                {"appeal_day_kind": _("Say whether these are calendar or business days.")}
            )
        if self.appeal_window_earliest_days and not self.appeal_window_earliest_day_kind:
            raise ValidationError(
                {
                    "appeal_window_earliest_day_kind": _(
                        "Say whether these are calendar or business days."
                    )
                }
            )
        if self.regime_id:
            overlapping = self.regime.rule_sets.exclude(pk=self.pk).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
            )
            if self.effective_to:
                overlapping = overlapping.filter(effective_from__lte=self.effective_to)
            if overlapping.exists():
                raise ValidationError(
                    _("These dates overlap another rule set of the same regime: %(other)s"),
                    params={"other": overlapping.first()},
                )

    @property
    def sources(self) -> list[str]:
        return split_sources(self.source_urls)

    @property
    def silence_is_refusal(self) -> bool:
        """No answer in time counts as a refusal (a deemed refusal), which can be appealed."""
        return self.deemed_refusal == Answer.YES

    def response_time_text(self) -> str:
        """The response deadline in plain words."""
        if not self.response_days or not self.day_kind:
            return str(_("Not confirmed: ask the office for its time limit and note the answer."))
        if self.day_kind == DayKind.BUSINESS:
            return str(
                _(
                    "%(days)s business days, counted from the day after the request is received "
                    "(Saturdays, Sundays and holidays are not counted)"
                )
                % {"days": self.response_days}
            )
        saturday = self._saturday_moves_deadline()
        if saturday == Answer.YES:
            text = _(
                "%(days)s calendar days, counted from the day after the request is received; "
                "if the last day is a weekend or holiday, the next business day"
            )
        elif saturday == Answer.UNCONFIRMED:
            text = _(
                "%(days)s calendar days, counted from the day after the request is received; "
                "if the last day is a Sunday or holiday, the next day that is not. Whether a "
                "Saturday also moves it is not confirmed, so the site shows the later date"
            )
        else:
            text = _(
                "%(days)s calendar days, counted from the day after the request is received; "
                "if the last day is a Sunday or holiday, the next day that is not"
            )
        return str(text % {"days": self.response_days})

    def _saturday_moves_deadline(self) -> Answer:
        """The deadline engine's Saturday rule for this regime's jurisdiction."""
        from ..deadlines import rules_for

        try:
            return rules_for(self.regime.jurisdiction).saturday_moves_a_calendar_deadline()
        except (KeyError, ValueError):
            return Answer.UNCONFIRMED

    @property
    def appeal_window_confirmed(self) -> bool:
        return bool(self.appeal_window_days)

    def appeal_window(self) -> tuple[int | None, str, bool]:
        """The window a deadline is counted with: (days, day kind, confirmed).

        While the window is not confirmed, the shortest plausible reading, so that a
        volunteer who follows it is never late.
        """
        if self.appeal_window_days:
            return self.appeal_window_days, self.appeal_day_kind or DayKind.CALENDAR, True
        if self.appeal_window_earliest_days:
            kind = self.appeal_window_earliest_day_kind or DayKind.CALENDAR
            return self.appeal_window_earliest_days, kind, False
        return None, "", False

    def appeal_window_text(self) -> str:
        """The time to appeal in plain words; the page says separately when it is unconfirmed."""
        days, kind, confirmed = self.appeal_window()
        if not days:
            return str(_("ask the appeal body before relying on a date"))
        text = _("%(days)s %(kind)s") % {"days": days, "kind": DayKind(kind).label}
        start = in_language(self, "appeal_window_from")
        if start:
            text = _("%(window)s from %(start)s") % {"window": text, "start": start}
        if not confirmed:
            text = _("to be safe, %(window)s (the shortest reading of the law)") % {"window": text}
        return str(text)

    @property
    def extension_text(self) -> str:
        return in_language(self, "extension_rule")


class PoliceService(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal")
        REGIONAL = "regional", _("Regional")
        PROVINCIAL = "provincial", _("Provincial")
        FEDERAL = "federal", _("Federal")
        FIRST_NATIONS = "first_nations", _("First Nations")

    class KnownAlpr(models.TextChoices):
        YES = "yes", _("Yes, publicly reported")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The address of its page: the English name, slugified. Never change it."),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province)
    hq_city = models.CharField(_("headquarters city"), max_length=120, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    website = models.URLField(_("website"), max_length=500, blank=True)
    regime = models.ForeignKey(
        AccessRegime,
        on_delete=models.PROTECT,
        related_name="police_services",
        verbose_name=_("access regime"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        verbose_name=_("part of"),
        help_text=_("E.g. the RCMP for one of its divisions."),
    )
    known_alpr = models.CharField(
        _("known to use ALPR"), max_length=8, choices=KnownAlpr, default=KnownAlpr.UNKNOWN
    )
    known_alpr_note = models.TextField(_("ALPR source note"), blank=True)

    # How to file there. Each fact keeps its source and the day it was checked; a blank
    # fact is shown as "not published, confirm first", never guessed.
    foi_email = models.EmailField(_("FOI office e-mail"), blank=True)
    foi_email_source = models.CharField(_("source"), max_length=500, blank=True)
    foi_email_checked = models.DateField(_("checked on"), null=True, blank=True)
    foi_portal_url = models.URLField(_("online request portal"), max_length=500, blank=True)
    foi_portal_url_source = models.CharField(_("source"), max_length=500, blank=True)
    foi_portal_url_checked = models.DateField(_("checked on"), null=True, blank=True)
    foi_postal_address = models.TextField(_("postal address"), blank=True)
    foi_postal_address_source = models.CharField(_("source"), max_length=500, blank=True)
    foi_postal_address_checked = models.DateField(_("checked on"), null=True, blank=True)
    filing_fee = models.DecimalField(
        _("application fee (CAD)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    filing_fee_source = models.CharField(_("source"), max_length=500, blank=True)
    filing_fee_checked = models.DateField(_("checked on"), null=True, blank=True)
    fee_payable_to = models.CharField(_("cheque payable to"), max_length=200, blank=True)
    fee_payable_to_source = models.CharField(_("source"), max_length=500, blank=True)
    fee_payable_to_checked = models.DateField(_("checked on"), null=True, blank=True)
    accepts_cards = models.BooleanField(_("accepts payment cards"), null=True, blank=True)
    accepts_cards_source = models.CharField(_("source"), max_length=500, blank=True)
    accepts_cards_checked = models.DateField(_("checked on"), null=True, blank=True)
    payment_methods = models.TextField(_("how to pay"), blank=True)
    payment_methods_fr = models.TextField(_("how to pay (French)"), blank=True)
    payment_methods_source = models.CharField(_("source"), max_length=500, blank=True)
    payment_methods_checked = models.DateField(_("checked on"), null=True, blank=True)
    identification_required = models.TextField(_("identification asked for"), blank=True)
    identification_required_fr = models.TextField(
        _("identification asked for (French)"), blank=True
    )
    identification_required_source = models.CharField(_("source"), max_length=500, blank=True)
    identification_required_checked = models.DateField(_("checked on"), null=True, blank=True)
    filing_warnings = models.TextField(_("practical warnings"), blank=True)
    filing_warnings_fr = models.TextField(_("practical warnings (French)"), blank=True)
    filing_warnings_source = models.CharField(_("source"), max_length=500, blank=True)
    filing_warnings_checked = models.DateField(_("checked on"), null=True, blank=True)

    police_of_jurisdiction = models.BooleanField(
        _("police of jurisdiction of its province"),
        default=False,
        help_text=_(
            "Polices the places of its province that have no police of their own (the OPP, "
            "the SQ, the RCMP division): cameras there are attributed to it."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick when a service merges or dissolves.")
    )
    source_urls = models.TextField(_("sources"), blank=True)
    notes = models.TextField(
        _("research notes"), blank=True, help_text=_("Seen by organizers only.")
    )
    # Accent-free, lower-case names for search on any database.
    search_text = models.CharField(max_length=600, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    FILING_FACTS = [
        "foi_email",
        "foi_portal_url",
        "foi_postal_address",
        "filing_fee",
        "fee_payable_to",
        "accepts_cards",
        "payment_methods",
        "identification_required",
        "filing_warnings",
    ]
    # The facts written in words: each has a French twin, `<fact>_fr`.
    TRANSLATED_FACTS = ["payment_methods", "identification_required", "filing_warnings"]
    # The facts that are a way to send a request.
    ROUTE_FACTS = ["foi_email", "foi_portal_url", "foi_postal_address"]

    class Meta:
        verbose_name = _("police service")
        verbose_name_plural = _("police services")
        ordering = ["name_en"]
        indexes = [
            # Directory filters: province and kind.
            models.Index(fields=["province", "kind"], name="service_province_kind"),
            # Map bounding-box queries.
            models.Index(fields=["latitude", "longitude"], name="service_lat_lon"),
        ]
        constraints = [
            *coordinates_in_canada("service"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="service_not_own_parent"
            ),
            # Each province has one police for the places without police of their own.
            models.UniqueConstraint(
                fields=["province"],
                condition=Q(police_of_jurisdiction=True),
                name="one_police_of_jurisdiction_per_province",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(self.name_en, self.name_fr, self.short_name, self.hq_city)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("requests_app:service", kwargs={"slug": self.slug})

    # The directory lists these for every service it shows.
    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def get_province_display(self):
        return choice_label(Province, self.province)

    def get_known_alpr_display(self):
        return choice_label(self.KnownAlpr, self.known_alpr)

    def clean(self):
        if self.regime_id and self.province:
            jurisdiction = self.regime.jurisdiction
            if jurisdiction not in (Province.CA, self.province):
                raise ValidationError(
                    {
                        "regime": _(
                            "%(code)s is a law of %(jurisdiction)s; a service in %(province)s "
                            "needs a law of its own province or a federal one."
                        )
                        % {
                            "code": self.regime.code,
                            "jurisdiction": jurisdiction,
                            "province": self.province,
                        }
                    }
                )

    @property
    def name(self) -> str:
        return in_language(self, "name_en")

    @property
    def sources(self) -> list[str]:
        return split_sources(self.source_urls)

    @property
    def application_fee(self) -> Decimal | None:
        """The application fee: the service's own where recorded, otherwise the law's."""
        return self.filing_fee if self.filing_fee is not None else self.regime.application_fee

    def fee_payee(self, language: str | None = None) -> str:
        """Who the application fee is payable to: the service's own payee, else the law's."""
        return self.fee_payable_to or in_language(self.regime, "fee_payable_to_en", language)

    @property
    def foi_office(self) -> "PoliceService":
        """The service whose office answers requests: a division's parent (the RCMP's ATIP
        Branch answers for every division), otherwise the service itself."""
        return self.parent if self.parent_id else self

    def fact_is_known(self, name: str) -> bool:
        return getattr(self, name) not in (None, "")

    def fact_is_unconfirmed(self, name: str) -> bool:
        """A recorded fact that no official page confirmed: its source says UNCONFIRMED."""
        return UNCONFIRMED_MARK in getattr(self, f"{name}_source").upper()

    def filing_facts(self) -> list[dict]:
        """Each way-to-file fact with its label, value, source and date checked.

        The fee and its payee fall back to the law's, so the page never says "not
        published" above the law's own fee.
        """
        facts = []
        for name in self.FILING_FACTS:
            value = getattr(self, name)
            if name in self.TRANSLATED_FACTS:
                value = in_language(self, name)
            from_law = False
            if value in (None, "") and name == "filing_fee":
                value, from_law = self.regime.application_fee, True
            elif value in (None, "") and name == "fee_payable_to":
                value, from_law = in_language(self.regime, "fee_payable_to_en"), True
            known = value not in (None, "")
            facts.append(
                {
                    "name": name,
                    "label": self._meta.get_field(name).verbose_name,
                    "value": value,
                    "known": known,
                    "unconfirmed": known and not from_law and self.fact_is_unconfirmed(name),
                    "from_law": from_law and known,
                    "source": "" if from_law else getattr(self, f"{name}_source"),
                    "checked": None if from_law else getattr(self, f"{name}_checked"),
                }
            )
        return facts

    def confirmed_routes(self) -> list[str]:
        """The route facts an official page confirmed and a letter can use as they are."""
        routes = []
        for name in self.ROUTE_FACTS:
            if not self.fact_is_known(name) or self.fact_is_unconfirmed(name):
                continue
            if name == "foi_postal_address" and not is_mailing_address(self.foi_postal_address):
                continue
            routes.append(name)
        return routes

    def route_status(self) -> RouteStatus:
        """Confirmed: an e-mail, a portal or a full postal address confirmed on an official
        page. Incomplete: a confirmed address that lacks what a letter needs. Unconfirmed:
        only leads no official page confirmed. None: nothing recorded."""
        if self.confirmed_routes():
            return RouteStatus.CONFIRMED
        known = [name for name in self.ROUTE_FACTS if self.fact_is_known(name)]
        if any(not self.fact_is_unconfirmed(name) for name in known):
            return RouteStatus.INCOMPLETE
        return RouteStatus.UNCONFIRMED if known else RouteStatus.NONE
