from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from requests_app.appeal_deadlines import appeal_deadline
from requests_app.deadline_text import appeal_steps
from requests_app.models import AccessRegime, AccessRequest, Appeal


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} {value!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Print the last day to file an appeal (or complaint, or request for review) as the "
        "request page computes it: the date, or 'none' where the law sets no limit, as the "
        "last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("regime_code", help="e.g. ON-MFIPPA")
        parser.add_argument(
            "day",
            help="the day the decision was received, or with --deemed-refusal the last day "
            "the police service had to answer (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--received", help="the day the request was received (picks the rules in force)"
        )
        parser.add_argument("--deemed-refusal", action="store_true", help="no answer in time")
        parser.add_argument("--explain", action="store_true", help="also print the reasoning")

    def handle(self, *args, regime_code, day, received, deemed_refusal, explain, **options):
        decided_on = _day(day, "The day")
        received_on = _day(received, "--received") if received else decided_on
        regime = AccessRegime.objects.filter(code=regime_code.upper()).first()
        if regime is None:
            codes = ", ".join(AccessRegime.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown regime code {regime_code!r}. Known codes: {codes}.")
        rule_set = regime.rule_set_on(received_on)
        if rule_set is None:
            raise CommandError(f"{regime.code} has no time rules in force on {received_on}.")
        # A request received that day, unsaved: the page's own computation, on its rules.
        request = AccessRequest(regime=regime)
        request.rules_copy(rule_set)
        basis = Appeal.Basis.DEEMED_REFUSAL if deemed_refusal else Appeal.Basis.DECISION
        deadline = appeal_deadline(request, basis=basis, decided_on=decided_on)
        if explain:
            with translation.override("en"):
                self.stdout.write(f"Rules: {rule_set} ({regime.name_en})")
                for line in appeal_steps(deadline):
                    self.stdout.write(line)
        if deadline.no_time_limit:
            self.stdout.write("none")
        elif deadline.file_by is None:
            raise CommandError(
                f"{regime.code}: the time to file is not confirmed and has no known reading."
            )
        else:
            self.stdout.write(deadline.file_by.isoformat())
