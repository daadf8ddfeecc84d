import shlex

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Print, as shell variables, where the site's data lives: the PostgreSQL database as "
        "libpq's PG* variables and the media folder as MEDIA_ROOT (empty when media are in "
        "an S3 bucket). bin/backup and bin/restore read them, so they find the data exactly "
        "as the site does (environment, .env file and defaults)."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Backups are made with pg_dump: DATABASE_URL must name a PostgreSQL database "
                f"(this site uses {connection.vendor})."
            )
        database = settings.DATABASES["default"]
        variables = {
            "PGHOST": database.get("HOST") or "",
            "PGPORT": str(database.get("PORT") or ""),
            "PGUSER": database.get("USER") or "",
            "PGPASSWORD": database.get("PASSWORD") or "",
            "PGDATABASE": database["NAME"],
            "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode", ""),
            "MEDIA_ROOT": "" if settings.AWS_STORAGE_BUCKET_NAME else str(settings.MEDIA_ROOT),
        }
        for name, value in variables.items():
            # What DATABASE_URL leaves out, the site's driver takes from libpq's own
            # variables and files (~/.pgpass), and so will pg_dump: only what it gives is set.
            if value or name == "MEDIA_ROOT":
                self.stdout.write(f"export {name}={shlex.quote(value)}")
