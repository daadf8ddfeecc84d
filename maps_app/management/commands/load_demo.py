from django.core.management.base import BaseCommand, CommandError

from maps_app import demo
from requests_app.tasks import tasks_after_block


class Command(BaseCommand):
    help = (
        "Fill an empty database with a clearly fictional campaign (volunteers at @demo.invalid, "
        "claims, requests at every status, approved releases and findings, cameras, appeals, "
        "comments and calls for help) so the map, the dashboard and /stats/ come alive. "
        "`--remove` deletes exactly that data. Refuses when DEBUG is off or the database holds "
        "real activity, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true", help="Delete the demo data.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off or real activity."
        )

    @tasks_after_block()
    def handle(self, *args, remove, force, **options):
        if remove:
            removed = demo.demo_remove()
            for name, count in removed.items():
                if count:
                    self.stdout.write(f"{name}: {count} removed")
            self.stdout.write(self.style.SUCCESS("The demo data is removed."))
            return
        refusal = demo.demo_refusal(force=force)
        if refusal:
            raise CommandError(refusal)
        try:
            report = demo.demo_load()
        except demo.DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo campaign loaded: {report.volunteers} volunteers, {report.claims} claims, "
                f"{report.requests} requests, {report.releases} releases, {report.findings} "
                f"findings, {report.cameras} cameras, {report.appeals} appeals, "
                f"{report.comments} comments, {report.help_wanted} calls for help. Everything "
                "is marked [Demo]; remove it with `manage.py load_demo --remove`."
            )
        )
