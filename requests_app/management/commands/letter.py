from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from requests_app import letters, selectors
from requests_app.models import Campaign, PoliceService


class Command(BaseCommand):
    help = (
        "Print or write a police service's request letter, as the letter page makes it: dated "
        "today (or --date) under the rules in force that day, asking for all of the campaign's "
        "records. For organizers preparing mailings and for reviewing the wording."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the police service, e.g. toronto-police-service")
        parser.add_argument(
            "--language", choices=letters.LETTER_LANGUAGES,
            help="default: French for Quebec services, English elsewhere",
        )  # fmt: skip
        parser.add_argument("--campaign", help="campaign slug (default: the open campaign)")
        parser.add_argument("--format", choices=["txt", "docx"], default="txt")
        parser.add_argument("--output", type=Path, help="write to this file instead of printing")
        parser.add_argument("--date", help="date the letter YYYY-MM-DD (default: today)")
        parser.add_argument("--name", default="", help="the requester's name")
        parser.add_argument("--contact", default="", help="the requester's address or e-mail")

    def handle(self, *args, slug, language, campaign, format, output, date, name, contact, **_o):
        service = PoliceService.objects.select_related("regime", "parent").filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No police service has the slug {slug!r}.")
        chosen = self._campaign(campaign)
        language = language or letters.default_language(service)
        today = self._day(date)
        if format == "docx" and output is None:
            raise CommandError("A Word letter needs --output FILE.")
        with translation.override(language):
            # Blanks the organizer fills in by hand, in the letter's language.
            name = name or _("[Your name]")
            contact = contact or _("[Your address, e-mail or telephone]")
        text = letters.letter_render(
            letters.LetterRequest(
                campaign=chosen,
                service=service,
                categories=list(chosen.categories.all()),
                records_from=chosen.records_from,
                records_to=today,
                language=language,
                requester_name=name,
                requester_contact=contact,
                today=today,
            )
        )
        if output is None:
            self.stdout.write(text, ending="")
        elif format == "docx":
            output.write_bytes(letters.letter_docx(text))
        else:
            output.write_text(text, encoding="utf-8")
        if output is not None:
            self.stderr.write(f"Wrote {output}")

    def _campaign(self, slug: str | None) -> Campaign:
        if slug:
            chosen = Campaign.objects.filter(slug=slug).first()
            if chosen is None:
                raise CommandError(f"No campaign has the slug {slug!r}.")
            return chosen
        chosen = selectors.default_campaign()
        if chosen is None:
            raise CommandError("No open campaign: name one with --campaign.")
        return chosen

    @staticmethod
    def _day(value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{value!r} is not a date in the form YYYY-MM-DD.") from None
