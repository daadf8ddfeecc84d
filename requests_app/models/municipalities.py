"""Who polices where: municipalities and the police service of each."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .directory import (
    UNCONFIRMED_MARK,
    PoliceService,
    Province,
    coordinates_in_canada,
    in_language,
    latitude_field,
    longitude_field,
    search_key,
)


class Municipality(models.Model):
    """A municipality (or an unincorporated place such as a campus) and the police service
    that polices it. Regional services police several; the OPP, the SQ and the RCMP
    divisions police those without a service of their own."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The name and the province, slugified, e.g. mississauga-on. Never change it."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province)
    latitude = latitude_field()
    longitude = longitude_field()
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    land_area_km2 = models.DecimalField(
        _("land area (km²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Camera attribution measures distances against the municipality's size."),
    )
    csduid = models.CharField(
        _("Statistics Canada code"), max_length=7, blank=True, help_text=_("The CSD code.")
    )
    policed_by = models.ForeignKey(
        PoliceService,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("policed by"),
    )
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where who polices it comes from; UNCONFIRMED where no page confirmed it."),
    )
    location_source = models.CharField(_("source of the point"), max_length=500, blank=True)
    # Accent-free, lower-case names for directory search on any database.
    search_text = models.CharField(max_length=420, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["province", "name"]
        indexes = [
            # Attribution: the municipalities of one province.
            models.Index(fields=["province"], name="municipality_province"),
        ]
        constraints = [
            *coordinates_in_canada("municipality"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.province})"

    def save(self, *args, **kwargs):
        self.search_text = search_key(self.name, self.name_fr)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return in_language(self, "name")

    @property
    def policing_unconfirmed(self) -> bool:
        return UNCONFIRMED_MARK in self.source.upper()
