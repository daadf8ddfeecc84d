"""Camera photos become stored files: each existing photo is checked by its content and
encoded again without its metadata (requests_app.filetypes.adopt), stored under a generated
name; the old file is left in place."""

import django.db.models.deletion
from django.db import migrations, models

from requests_app import filetypes


def forwards(apps, schema_editor):
    StoredFile = apps.get_model("requests_app", "StoredFile")
    CameraLocation = apps.get_model("maps_app", "CameraLocation")
    for camera in CameraLocation.objects.exclude(legacy_photo="").only("pk", "legacy_photo"):
        stored = filetypes.adopt(StoredFile, camera.legacy_photo.name, filetypes.PHOTO)
        CameraLocation.objects.filter(pk=camera.pk).update(photo=stored)


def backwards(apps, schema_editor):
    CameraLocation = apps.get_model("maps_app", "CameraLocation")
    for camera in CameraLocation.objects.filter(photo__isnull=False).select_related("photo"):
        CameraLocation.objects.filter(pk=camera.pk).update(legacy_photo=camera.photo.file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("maps_app", "0003_demo_flags"),
        ("requests_app", "0020_files_one_upload_path"),
    ]

    operations = [
        migrations.RenameField(
            model_name="cameralocation", old_name="photo", new_name="legacy_photo"
        ),
        migrations.AddField(
            model_name="cameralocation",
            name="photo",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="requests_app.storedfile",
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="cameralocation", name="legacy_photo"),
    ]
