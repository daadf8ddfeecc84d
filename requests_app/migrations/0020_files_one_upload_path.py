"""Letters attached to status steps and corrections become stored files, like releases and
appeal attachments: each existing file is checked by its content and stored once under a
generated name (requests_app.filetypes.adopt); the old file is left in place."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

from requests_app import filetypes


def _adopt(apps, model_name, legacy, field, name_field=None):
    StoredFile = apps.get_model("requests_app", "StoredFile")
    model = apps.get_model("requests_app", model_name)
    for row in model.objects.exclude(**{legacy: ""}).only("pk", legacy):
        name = getattr(row, legacy).name
        values = {field: filetypes.adopt(StoredFile, name, filetypes.LETTER)}
        if name_field:
            values[name_field] = filetypes.safe_name(name)
        # An update, not a save: status steps are append-only.
        model.objects.filter(pk=row.pk).update(**values)


def forwards(apps, schema_editor):
    _adopt(apps, "RequestEvent", "legacy_attachment", "attachment", "attachment_name")
    _adopt(apps, "Correction", "legacy_letter", "letter")


def backwards(apps, schema_editor):
    for model_name, legacy, field in [
        ("RequestEvent", "legacy_attachment", "attachment"),
        ("Correction", "legacy_letter", "letter"),
    ]:
        model = apps.get_model("requests_app", model_name)
        for row in model.objects.filter(**{f"{field}__isnull": False}).select_related(field):
            model.objects.filter(pk=row.pk).update(**{legacy: getattr(row, field).file.name})


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0019_dashboard_organizer_reminder"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="correction", name="correction_has_a_source"),
        migrations.RenameField(
            model_name="requestevent", old_name="attachment", new_name="legacy_attachment"
        ),
        migrations.RenameField(model_name="correction", old_name="letter", new_name="legacy_letter"),
        migrations.AddField(
            model_name="requestevent",
            name="attachment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="requests_app.storedfile",
                verbose_name="attachment",
            ),
        ),
        migrations.AddField(
            model_name="requestevent",
            name="attachment_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="correction",
            name="letter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="requests_app.storedfile",
                verbose_name="letter from the service",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="requestevent", name="legacy_attachment"),
        migrations.RemoveField(model_name="correction", name="legacy_letter"),
        migrations.RemoveField(model_name="correction", name="letter_kind"),
        migrations.AddConstraint(
            model_name="correction",
            constraint=models.CheckConstraint(
                condition=~Q(source_url="") | Q(letter__isnull=False),
                name="correction_has_a_source",
            ),
        ),
    ]
