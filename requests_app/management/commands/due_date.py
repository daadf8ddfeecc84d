from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from requests_app.deadline_text import deadline_steps
from requests_app.deadlines import TimeLimit, compute_due_date
from requests_app.models import AccessRegime


class Command(BaseCommand):
    help = (
        "Print the due date (YYYY-MM-DD) of a request received on a day, under the regime's "
        "time rules in force that day."
    )

    def add_arguments(self, parser):
        parser.add_argument("regime_code", help="e.g. ON-MFIPPA")
        parser.add_argument("received", help="the day the request was received, YYYY-MM-DD")
        parser.add_argument(
            "--extension", type=int, default=0, metavar="DAYS",
            help="lengthen the time limit by DAYS of the regime's kind",
        )  # fmt: skip
        parser.add_argument("--explain", action="store_true", help="also print the reasoning")

    def handle(self, *args, regime_code, received, extension, explain, **options):
        try:
            received_on = date.fromisoformat(received)
        except ValueError:
            raise CommandError(f"{received!r} is not a date in the form YYYY-MM-DD.") from None
        if extension < 0:
            raise CommandError("--extension must be zero or more days.")
        regime = AccessRegime.objects.filter(code=regime_code.upper()).first()
        if regime is None:
            codes = ", ".join(AccessRegime.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown regime code {regime_code!r}. Known codes: {codes}.")
        rule_set = regime.rule_set_on(received_on)
        if rule_set is None:
            raise CommandError(f"{regime.code} has no time rules in force on {received_on}.")
        if not rule_set.response_days or not rule_set.day_kind:
            raise CommandError(
                f"{regime.code}: the response time in force on {received_on} is not confirmed "
                f"({rule_set.unconfirmed or 'see the regime notes'})."
            )
        due = compute_due_date(
            received_on=received_on,
            limit=TimeLimit(rule_set.response_days, rule_set.day_kind, regime.jurisdiction),
            extension_days=extension,
        )
        self.stdout.write(due.due_on.isoformat())
        if explain:
            # The request page's explanation, in English.
            with translation.override("en"):
                self.stdout.write(f"Rules: {rule_set} ({regime.name_en})")
                for line in deadline_steps(due):
                    self.stdout.write(line)
