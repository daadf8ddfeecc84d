"""Request letters: the right law, its sections, the campaign's categories, two languages.

The wording lives in templates: `templates/letters/request_<language>.txt` by default,
or a `LetterTemplate` an organizer wrote in the admin for one regime and language.
Sections marked UNCONFIRMED in the directory are left out rather than guessed. The
volunteer's name and contact details are filled in when the letter is rendered and
are not stored, except in the copy of the letter "as sent" the volunteer chooses to log.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

from django.template import Context, Engine
from django.template.loader import get_template
from django.utils import formats, translation

from .models import AccessRegime, Campaign, LetterTemplate, PoliceService, Province, RecordCategory

LETTER_LANGUAGES = ("en", "fr")


def section(value: str) -> str:
    """A section number fit for a letter ("4(1)"): the first citation, never an unconfirmed one.

    The letter says "section" or "article" itself, so the directory's "s." prefix goes.
    """
    if not value or "UNCONFIRMED" in value.upper():
        return ""
    first = value.split(";")[0].split(" (")[0].strip()
    return re.sub(r"^(ss?\.|sections?|art\.|article)\s*", "", first, flags=re.IGNORECASE)


def citation(value: str, language: str) -> str:
    """One language's citation from the directory's "R.S.O. 1990, c. M.56 (L.R.O. 1990, chap. M.56)"."""
    match = re.fullmatch(r"(.+?) \((.+)\)", value.strip())
    if not match:
        return value.strip()
    return match.group(2) if language == "fr" else match.group(1)


def _long_date(day: date, language: str) -> str:
    """ "1 January 2026", or in French "1er janvier 2026" as French dates are written."""
    text = formats.date_format(day, "j F Y")
    if language == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def default_language(service: PoliceService) -> str:
    """French for Quebec bodies, English elsewhere (the volunteer can change it)."""
    return "fr" if service.province == Province.QC else "en"


@dataclass
class LetterRequest:
    """What the volunteer chose on the letter page; nothing here is stored by rendering."""

    campaign: Campaign
    service: PoliceService
    categories: list[RecordCategory]
    records_from: date
    records_to: date
    language: str
    requester_name: str
    requester_contact: str
    today: date


def _template_body(regime: AccessRegime, language: str) -> tuple[str, bool]:
    """The organizer's template for this regime and language, or the shipped default."""
    custom = (
        LetterTemplate.objects.filter(regime=regime, language=language).first()
        or LetterTemplate.objects.filter(regime__isnull=True, language=language).first()
    )
    if custom:
        return custom.body, True
    return get_template(f"letters/request_{language}.txt").template.source, False


def letter_context(letter: LetterRequest) -> dict:
    regime = letter.service.regime
    rule_set = regime.rule_set_on(letter.today)
    fr = letter.language == "fr"
    with translation.override(letter.language):
        return {
            "today": _long_date(letter.today, letter.language),
            "requester_name": letter.requester_name.strip(),
            "requester_contact": letter.requester_contact.strip(),
            "service": letter.service,
            "service_name": letter.service.name,
            "postal_address": letter.service.foi_postal_address,
            "law_name": (regime.name_fr if fr and regime.name_fr else regime.name_en),
            "law_unconfirmed": regime.law_unconfirmed,
            "citation": citation(regime.citation, letter.language),
            "right_of_access_section": section(regime.right_of_access_section),
            "time_limit_section": section(regime.time_limit_section),
            "fee_waiver_section": section(regime.fee_waiver_section),
            "response_days": rule_set.response_days if rule_set else None,
            "day_kind": rule_set.get_day_kind_display() if rule_set and rule_set.day_kind else "",
            "categories": [
                {
                    "title": c.title_fr if fr else c.title_en,
                    "wording": c.wording_fr if fr else c.wording_en,
                }
                for c in letter.categories
            ],
            "records_from": _long_date(letter.records_from, letter.language),
            "records_to": _long_date(letter.records_to, letter.language),
        }


def letter_render(letter: LetterRequest) -> str:
    """The letter as plain text."""
    body, _custom = _template_body(letter.service.regime, letter.language)
    engine = Engine(autoescape=False)
    with translation.override(letter.language):
        text = engine.from_string(body).render(Context(letter_context(letter), autoescape=False))
    # Template tags leave blank lines behind; keep at most one between paragraphs.
    lines, blank = [], False
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(line)
        blank = False
    return "\n".join(lines).strip() + "\n"


def letter_docx(text: str) -> bytes:
    """The same letter as a Word document, one paragraph per block of text."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for block in text.split("\n\n"):
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.split("\n")):
            if number:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mailto(service: PoliceService, text: str) -> str:
    """A mailto: link with the letter, when the service's FOI e-mail is known."""
    from urllib.parse import quote

    if not service.foi_email:
        return ""
    subject = _subject_line(text)
    return f"mailto:{service.foi_email}?subject={quote(subject)}&body={quote(text)}"


def _subject_line(text: str) -> str:
    for line in text.splitlines():
        if line.startswith(("Re:", "Objet")):
            return line.split(":", 1)[1].strip()
    return "Access to information request"
