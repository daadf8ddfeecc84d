from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A volunteer; organizers are volunteers in the Organizers group.

    People sign in with their e-mail address, which is private: pages show
    `public_name`, which is a display name only if the volunteer chose to show it.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How your name appears on public pages, if you choose to show it."),
    )
    show_name_publicly = models.BooleanField(
        _("show my display name publicly"),
        default=False,
        help_text=_('Otherwise you appear as "a volunteer".'),
    )

    language = models.CharField(
        _("language for e-mails"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    # Secret address of the volunteer's iCalendar feed of due dates; blank when revoked.
    calendar_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]
        permissions = [
            ("coordinate_campaign", _("Can coordinate the campaign (organizer)")),
        ]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.show_name_publicly and self.display_name:
            return self.display_name
        return str(_("a volunteer"))


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def listed_for(self, user):
        """A volunteer's tokens as their account page lists them: working ones first."""
        return self.filter(user=user).order_by(
            models.F("revoked_at").asc(nulls_first=True), "-created_at"
        )


class ApiToken(models.Model):
    """A volunteer's key for the API, named by them. Only a SHA-256 hash of the secret is
    kept (the secret is long and random, so a fast hash is enough); the secret is shown
    once, when it is made. Revoked tokens stay, for the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("volunteer"),
    )
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the secret, so its owner can tell which one a script uses.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
