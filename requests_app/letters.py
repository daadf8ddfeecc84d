"""Request letters: the right law, its sections, the campaign's categories, two languages.

The wording lives in templates: `templates/letters/request_<language>.txt` by default,
or a `LetterTemplate` an organizer wrote in the admin for one regime and language.
Sections marked UNCONFIRMED in the directory are left out rather than guessed, and the word
never reaches a letter: a placeholder regime's letter cites no law and asks which applies,
an unconfirmed fee is asked for, an unconfirmed time limit is not promised. The
volunteer's name and contact details are filled in when the letter is rendered and
are not stored, except in the copy of the letter "as sent" the volunteer chooses to log.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

from django.template import Context, Engine
from django.template.loader import get_template
from django.utils import translation

from .models import AccessRegime, Campaign, LetterTemplate, PoliceService, Province, RecordCategory
from .models.directory import in_language
from .templatetags.campaign_format import cad, long_date

LETTER_LANGUAGES = ("en", "fr")

# The grammatical gender of the first word of the French names the directory holds, so a
# letter can write "détenus par la Sûreté du Québec". Names not listed take no article.
_FEMININE = {
    "commission", "direction", "gendarmerie", "grc", "municipalité", "police", "régie",
    "sécurité", "sûreté", "ville",
}  # fmt: skip
_MASCULINE = {"bureau", "corps", "ministre", "receveur", "service", "trésorier"}


def section(value: str) -> str:
    """A section number fit for a letter ("4(1)"): the first citation, never an unconfirmed one.

    The letter says "section" or "article" itself, so the directory's "s." prefix goes.
    """
    if not value or "UNCONFIRMED" in value.upper():
        return ""
    first = value.split(";")[0].split(" (")[0].strip()
    return re.sub(r"^(ss?\.|sections?|art\.|article)\s*", "", first, flags=re.IGNORECASE)


def section_phrase(value: str, language: str) -> str:
    """ "section 4(1)"; in French "article 9", "paragraphe 4(1)" or "alinéa 17(1)c)"."""
    number = section(value)
    if not number:
        return ""
    if language != "fr":
        return f"section {number}"
    clause = re.fullmatch(r"(\d[\d.]*\([\d.]+\))\(([a-z][a-z.\d]*)\)", number)
    if clause:
        return f"alinéa {clause.group(1)}{clause.group(2)})"
    if "(" in number:
        return f"paragraphe {number}"
    return f"article {number}"


def citation(regime: AccessRegime, language: str) -> str:
    """The law's citation in the letter's language, never an unconfirmed one."""
    value = regime.citation_fr if language == "fr" and regime.citation_fr else regime.citation
    return "" if "UNCONFIRMED" in value.upper() else value.strip()


def law_phrase(name: str, language: str) -> str:
    """The law's name as a letter writes it after "under" or "en vertu de".

    Titles that begin with "The" (Manitoba, Saskatchewan) keep it and take no other
    article; in French a title takes "la", or "l'" before a vowel.
    """
    if name.startswith("The "):
        return name
    if language == "fr":
        return f"l'{name}" if name[:1].casefold() in "aeiouéh" else f"la {name}"
    return f"the {name}"


def french_article(name: str) -> str:
    """ "la ", "le " or nothing before a French name ("la GRC, Division E", "le Service ...")."""
    first = re.split(r"[\s,'\u2019(]", name.strip(), maxsplit=1)[0].casefold()
    if first in _FEMININE:
        return "la "
    if first in _MASCULINE:
        return "le "
    return ""


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


def _template_body(regime: AccessRegime, language: str, kind: str = "request") -> str:
    """The organizer's template for this kind of letter, regime and language, or the
    shipped default (`templates/letters/<kind>_<language>.txt`)."""
    templates = LetterTemplate.objects.filter(kind=kind, language=language)
    custom = (
        templates.filter(regime=regime).first() or templates.filter(regime__isnull=True).first()
    )
    if custom:
        return custom.body
    return get_template(f"letters/{kind}_{language}.txt").template.source


def _fee_context(service: PoliceService, language: str) -> dict:
    """What the letter says about the application fee: amount, section, payee, how paid."""
    regime = service.regime
    fee = service.application_fee
    return {
        "fee_unknown": fee is None,
        "fee_none": fee == 0,
        "application_fee": cad(fee) if fee else "",
        "application_fee_section": section_phrase(regime.application_fee_section, language),
        "fee_payee": service.fee_payee(language),
        "fee_by_card": bool(service.accepts_cards),
        "fee_waiver_ground": in_language(regime, "fee_waiver_ground_en", language),
    }


def letter_context(letter: LetterRequest) -> dict:
    service = letter.service
    regime = service.regime
    rule_set = regime.rule_set_on(letter.today)
    language = letter.language
    # A rule the sources do not confirm (e.g. a new Act's) is never promised in a letter.
    rules = rule_set if rule_set and rule_set.response_time_confirmed else None
    office = service.foi_office
    with translation.override(language):
        service_name = in_language(service, "name_en", language)
        law_name = in_language(regime, "name_en", language)
        return {
            "today": long_date(letter.today),
            "requester_name": letter.requester_name.strip(),
            "requester_contact": letter.requester_contact.strip(),
            "service": service,
            "service_name": service_name,
            "service_held_by": (
                french_article(service_name) + service_name if language == "fr" else service_name
            ),
            "addressee": in_language(regime, "addressee_en", language),
            "office_name": in_language(office, "name_en", language),
            "postal_address": service.foi_postal_address or office.foi_postal_address,
            "law_name": law_name,
            "law": law_phrase(law_name, language),
            "law_unconfirmed": regime.law_unconfirmed,
            "letter_basis": in_language(regime, "letter_basis_en", language),
            "citation": citation(regime, language),
            "right_of_access_section": section(regime.right_of_access_section),
            "right_of_access": section_phrase(regime.right_of_access_section, language),
            "time_limit_section": section(regime.time_limit_section) if rules else "",
            "time_limit": section_phrase(regime.time_limit_section, language) if rules else "",
            "fee_waiver_section": section(regime.fee_waiver_section),
            "fee_waiver": section_phrase(regime.fee_waiver_section, language),
            **_fee_context(service, language),
            "response_days": rules.response_days if rules else None,
            "day_kind": rules.get_day_kind_display() if rules and rules.day_kind else "",
            "categories": [
                {
                    "title": c.title_fr if language == "fr" else c.title_en,
                    "wording": c.wording_fr if language == "fr" else c.wording_en,
                }
                for c in letter.categories
            ],
            "records_from": long_date(letter.records_from),
            "records_to": long_date(letter.records_to),
        }


def letter_render(letter: LetterRequest) -> str:
    """The request letter as plain text."""
    body = _template_body(letter.service.regime, letter.language)
    return _render(body, letter_context(letter), letter.language)


def _render(body: str, context: dict, language: str) -> str:
    engine = Engine(autoescape=False)
    with translation.override(language):
        text = engine.from_string(body).render(Context(context, autoescape=False))
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


def appeal_letter_context(
    appeal, *, language: str, requester_name: str, requester_contact: str, today: date
) -> dict:
    """What an appeal letter says: the body and the law's own recourse, the request and
    decision dates and file numbers, each contested item and the remedy, the enclosures and
    the appeal fee. An unconfirmed fact is left out, never shown as such."""
    request = appeal.request
    service, regime = request.police_service, request.regime
    grounds = list(appeal.grounds.all())
    kinds = {ground.kind for ground in grounds}
    fee_notes = in_language(regime, "appeal_fee_notes", language)
    with translation.override(language):
        service_name = in_language(service, "name_en", language)
        law_name = in_language(regime, "name_en", language)
        return {
            "today": long_date(today),
            "requester_name": requester_name.strip(),
            "requester_contact": requester_contact.strip(),
            "appeal_body": in_language(regime, "appeal_body_en", language),
            "recourse": in_language(regime, "recourse_en", language),
            "review_section": section_phrase(regime.review_or_appeal_section, language),
            "law": law_phrase(law_name, language),
            "citation": citation(regime, language),
            "law_unconfirmed": regime.law_unconfirmed,
            "service_name": service_name,
            "service_held_by": (
                french_article(service_name) + service_name if language == "fr" else service_name
            ),
            "reference_number": request.reference_number,
            "filed_on": long_date(request.filed_on),
            "received_on": long_date(request.counts_from),
            "deemed_refusal": appeal.basis == "deemed_refusal",
            "decision_on": long_date(appeal.decision_on),
            "file_number": appeal.file_number,
            "exemptions": [
                {"section": section_phrase(g.section, language) or g.section, "note": g.note}
                for g in grounds
                if g.kind == "exemption"
            ],
            "contests_fees": "fees" in kinds,
            "contests_extension": "extension" in kinds,
            "contests_search": "search" in kinds,
            "notes": [g.note for g in grounds if g.kind != "exemption" and g.note],
            "appeal_fee": cad(regime.appeal_fee) if regime.appeal_fee else "",
            "appeal_fee_unknown": regime.appeal_fee is None,
            "appeal_fee_notes": "" if "UNCONFIRMED" in fee_notes.upper() else fee_notes,
        }


def appeal_letter_render(
    appeal, *, language: str, requester_name: str, requester_contact: str, today: date
) -> str:
    """The appeal letter as plain text, from the same template system as request letters."""
    context = appeal_letter_context(
        appeal,
        language=language,
        requester_name=requester_name,
        requester_contact=requester_contact,
        today=today,
    )
    body = _template_body(appeal.request.regime, language, kind="appeal")
    return _render(body, context, language)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")


def letter_for_public(text: str, *, name: str, contact: str) -> str:
    """The letter as sent without the volunteer's name and contact details, for the request's
    public page; blank when they are not known (nothing can be promised removed)."""
    name, contact = name.strip(), contact.strip()
    if not text.strip() or not (name or contact):
        return ""
    withheld = "[…]"
    for part in sorted(
        {name, *(line.strip() for line in contact.splitlines())} - {""}, key=len, reverse=True
    ):
        text = text.replace(part, withheld)
    return _PHONE.sub(withheld, _EMAIL.sub(withheld, text))
