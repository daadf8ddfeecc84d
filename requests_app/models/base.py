"""What several models share."""

from django.core.exceptions import ValidationError


class AppendOnly:
    """History rows: written once, never changed or deleted (the one home of that rule).

    Bulk query updates and deletes bypass it; the code never makes them on these tables."""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name_plural} are append-only.")
