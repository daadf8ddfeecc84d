"""Vocabularies shared by the models and the pure deadline engine (no database here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def choice_label(choices: type[models.Choices], value):
    """The label of `value` among these choices (the value itself when it is none of them).
    Models define their listed fields' get_FOO_display() with it: Django's translates every
    label of the field to find the one asked for, which long tables pay for in every row."""
    try:
        return str(choices(value).label)  # in the active language, as Django's gives it
    except ValueError:
        return value


class Answer(models.TextChoices):
    """A yes/no fact that the sources may not settle: the law's rules in the directory,
    the time-computation data, and what a release says (a finding)."""

    YES = "yes", _("yes")
    NO = "no", _("no")
    UNCONFIRMED = "unconfirmed", _("not confirmed")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    BUSINESS = "business", _("business days")


class DeemedRefusalReview(models.TextChoices):
    """When the recourse against a silence (a deemed refusal) can be filed."""

    FROM_DUE_DATE = "from_due_date", _("within the usual window, from the last day to answer")
    NO_LIMIT = "no_limit", _("at any time: the law sets no limit")
