"""What police services release, its moderation, and the findings drawn from it."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..choices import Answer
from .base import AppendOnly
from .claims import Campaign
from .directory import PoliceService
from .requests import AccessRequest, RequestEvent


class StoredFileManager(models.Manager):
    def get_queryset(self):
        # The extracted text can be millions of characters: it is read only when asked for
        # (`stored.text`), never with the file's other facts. Querysets that join a stored
        # file defer it too (`ReleaseQuerySet.with_file`); only related access on a release
        # not loaded that way (`release.stored`) reads it.
        return super().get_queryset().defer("text")


class StoredFile(models.Model):
    """One uploaded file's bytes, stored once whatever its name or how often it is uploaded:
    releases, letters attached to steps, appeals and corrections, camera photos. Accepted
    and served only through `requests_app.filetypes`."""

    class Extraction(models.TextChoices):
        PENDING = "pending", _("Processing")
        DONE = "done", _("Text extracted")
        NO_TEXT = "no_text", _("No text extracted")
        FAILED = "failed", _("Extraction failed")

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="releases/", max_length=200)
    # A key of filetypes.KINDS; "" for a file kept from before uploads were checked whose
    # content fits none (it is only ever downloaded, as application/octet-stream).
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    extraction = models.CharField(max_length=10, choices=Extraction, default=Extraction.PENDING)
    extraction_note = models.TextField(blank=True)
    # How many times a task started extracting it: a file still pending is queued again
    # only a few times (`tasks.release_extractions_requeue`).
    extraction_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StoredFileManager()

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return f"{self.sha256[:12]}.{self.kind}"


class ReleaseQuerySet(models.QuerySet):
    def with_file(self):
        """Releases with their stored file's facts, without its text (pages and lists)."""
        return self.select_related("stored").defer("stored__text")

    def approved(self):
        return self.filter(moderation=Release.Moderation.APPROVED)

    def visible_to(self, user):
        """Approved releases for everyone; all of a request's releases for its people."""
        from ..roles import is_organizer

        if is_organizer(user):
            return self
        if not user.is_authenticated:
            return self.approved()
        mine = AccessRequest.objects.visible_to(user).values("pk")
        return self.filter(Q(moderation=Release.Moderation.APPROVED) | Q(request__in=mine))


class Release(models.Model):
    """A document a police service released in answer to a request."""

    class Moderation(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved for publication")
        REJECTED = "rejected", _("Rejected")
        REDACTION = "redaction", _("Redaction requested")

    request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, related_name="releases", verbose_name=_("request")
    )
    event = models.ForeignKey(
        RequestEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("step it came with"),
    )
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="releases")
    original_name = models.CharField(_("original file name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    moderation = models.CharField(
        _("publication"), max_length=10, choices=Moderation, default=Moderation.PENDING
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-received_on", "-pk"]
        indexes = [
            # Public pages list approved releases per request.
            models.Index(fields=["moderation", "request"], name="release_moderation_request"),
            # The moderation queue, oldest first, read a few at a time.
            models.Index(fields=["moderation", "uploaded_at"], name="release_moderation_age"),
        ]

    def __str__(self):
        # Never the file's own name, which can carry personal names (only its team and
        # organizers read it, on the release's page and in the API).
        if self.title:
            return self.title
        return gettext("Document received on %(day)s") % {
            "day": date_format(self.received_on, "DATE_FORMAT")
        }

    def get_absolute_url(self):
        return reverse("requests_app:release", kwargs={"pk": self.pk})

    @staticmethod
    def url_pattern() -> str:
        """A release page's address with "{pk}" for its id: one reverse() for a whole table."""
        placeholder = 987654321
        return reverse("requests_app:release", kwargs={"pk": placeholder}).replace(
            str(placeholder), "{pk}"
        )

    @property
    def is_public(self) -> bool:
        return self.moderation == self.Moderation.APPROVED


class ReleaseDecision(AppendOnly, models.Model):
    """An organizer's moderation decision; append-only."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Release.Moderation)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.get_decision_display()} {self.decided_at:%Y-%m-%d}"


class FindingField(models.TextChoices):
    """The comparable facts the campaign records about each police service."""

    VENDORS = "vendors", _("Vendor(s)")
    FIXED_CAMERAS = "fixed_cameras", _("Fixed cameras")
    MOBILE_UNITS = "mobile_units", _("Camera vehicles / mobile units")
    RETENTION_HITS_DAYS = "retention_hits_days", _("Retention of hits (days)")
    RETENTION_NON_HITS_DAYS = "retention_non_hits_days", _("Retention of non-hits (days)")
    SHARING_PARTNERS = "sharing_partners", _("Data-sharing partners")
    CROSS_BORDER = "cross_border", _("US agency or cross-border access")
    PIA_EXISTS = "pia_exists", _("Privacy impact assessment exists")
    POLICY_EXISTS = "policy_exists", _("Written policy exists")
    ANNUAL_REPORTS = "annual_reports", _("Annual reports to the board")
    CONTRACT_VALUE = "contract_value", _("Contract value (CAD)")
    CONTRACT_START = "contract_start", _("Contract start")
    CONTRACT_END = "contract_end", _("Contract end")
    CONSULTATION_HELD = "consultation_held", _("Public consultation held")


class Vendor(models.TextChoices):
    FLOCK = "flock", "Flock Safety"
    GENETEC = "genetec", "Genetec AutoVu"
    MOTOROLA = "motorola", "Motorola Solutions / Vigilant"
    AXON = "axon", "Axon"
    NEOLOGY = "neology", "Neology"
    OTHER = "other", _("Other")


# How each field's value is kept: in which column and of which type.
COUNT_FIELDS = {
    FindingField.FIXED_CAMERAS,
    FindingField.MOBILE_UNITS,
    FindingField.RETENTION_HITS_DAYS,
    FindingField.RETENTION_NON_HITS_DAYS,
}
MONEY_FIELDS = {FindingField.CONTRACT_VALUE}
DATE_FIELDS = {FindingField.CONTRACT_START, FindingField.CONTRACT_END}
TRISTATE_FIELDS = {
    FindingField.CROSS_BORDER,
    FindingField.PIA_EXISTS,
    FindingField.POLICY_EXISTS,
    FindingField.ANNUAL_REPORTS,
    FindingField.CONSULTATION_HELD,
}
LIST_FIELDS = {FindingField.VENDORS}
TEXT_FIELDS = {FindingField.SHARING_PARTNERS}


class Finding(models.Model):
    """One fact about one target, citing the release and page it comes from."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="findings")
    police_service = models.ForeignKey(
        PoliceService, on_delete=models.PROTECT, related_name="findings"
    )
    field = models.CharField(_("fact"), max_length=32, choices=FindingField)
    number = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    day = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, related_name="findings", verbose_name=_("source")
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["police_service", "field"]
        indexes = [
            # The findings' totals, each over one or a few facts of the campaign, read from
            # the index alone (but for the release's moderation).
            models.Index(
                fields=["campaign", "field", "number", "release"], name="finding_campaign_field"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "police_service", "field"], name="one_finding_per_fact"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0), name="finding_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(page__isnull=True) | Q(page__gte=1), name="finding_page_from_one"
            ),
        ]

    def __str__(self):
        return f"{self.police_service}: {self.get_field_display()}"

    @staticmethod
    def value_column(field: str) -> str:
        """The column holding a fact's value (what the findings table sorts by)."""
        if field in COUNT_FIELDS or field in MONEY_FIELDS:
            return "number"
        return "day" if field in DATE_FIELDS else "text"

    @property
    def value(self):
        return self.value_of(self.field, self.number, self.day, self.text)

    @staticmethod
    def value_of(field: str, number, day, text: str):
        """A fact's value from its stored columns (also for rows read without a model)."""
        if field in COUNT_FIELDS:
            return int(number) if number is not None else None
        if field in MONEY_FIELDS:
            return number
        if field in DATE_FIELDS:
            return day
        if field in LIST_FIELDS:
            return [v for v in text.split(";") if v]
        return text

    def display_value(self) -> str:
        return self.words_for(self.field, self.value)

    @staticmethod
    def words_for(field: str, value) -> str:
        """A fact's value as the findings table and its CSV file show it."""
        if field in LIST_FIELDS:
            labels = dict(Vendor.choices)
            return ", ".join(str(labels.get(v, v)) for v in value)
        if field in TRISTATE_FIELDS:
            return str(dict(Answer.choices).get(value, value))
        if field in MONEY_FIELDS and value is not None:
            return f"${value:,.2f}"
        if field in DATE_FIELDS and value is not None:
            return value.isoformat()
        return "" if value is None else str(value)

    def source_url(self) -> str:
        return self.cited_at(self.release.get_absolute_url(), self.page)

    @staticmethod
    def cited_at(release_url: str, page: int | None) -> str:
        """The release page's address, at the page cited."""
        return f"{release_url}#page={page}" if page else release_url


class FindingRevision(AppendOnly, models.Model):
    """Every version of a finding, kept when it is recorded or edited; append-only."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="revisions")
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    day = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="+")
    page = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.finding} @ {self.recorded_at:%Y-%m-%d}"
