import re
from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..models.directory import in_language

register = template.Library()


@register.filter
def cad(amount: Decimal | None) -> str:
    """An amount in Canadian dollars, written the English or French way ($5.00 / 5,00 $)."""
    if amount is None:
        return ""
    if get_language() == "fr":
        return f"{number_format(amount, 2, use_l10n=True)}\u00a0$"
    return f"${amount:,.2f}"


@register.filter
def percent(share: float | None) -> str:
    """A share as a whole percentage, "45%" or the French way, "45 %"; "<1%" for a sliver,
    and "" for no share at all (nothing to divide)."""
    if share is None or share == "":
        return ""
    number = round(share * 100)
    text = "<1" if share > 0 and number == 0 else str(number)
    return f"{text}\u00a0%" if get_language() == "fr" else f"{text}%"


@register.filter
def long_date(day: date | datetime | None) -> str:
    """ "1 November 2026", or the French way, "1er novembre 2026" (a moment: its local day)."""
    if day is None or day == "":
        return ""
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    text = formats.date_format(day, "j F Y")
    if get_language() == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


@register.filter
def local(obj, field: str) -> str:
    """A directory text in the reader's language: `obj|local:"applies_to"`."""
    return in_language(obj, field)


@register.filter
def lang_attr(obj, field: str) -> str:
    """` lang="en"` on a French page showing an English-only text (an official English name),
    so that readers, screen readers and the French-page test know it is English on purpose."""
    if get_language() == "fr" and not getattr(obj, f"{field.removesuffix('_en')}_fr", ""):
        return mark_safe(' lang="en"')  # a constant attribute, no user text
    return ""


@register.filter
def section_ref(value: str) -> str:
    """A section as the reader's language names it: "section 4(1)", "paragraphe 4(1)"."""
    from ..letters import section_phrase

    return section_phrase(value, get_language())


@register.filter
def source_url(text: str) -> str:
    """The address in a source note ("Readback https://…/foi-routes.json (confirm)"), or ""."""
    match = re.search(r"https?://\S+", text or "")
    return match.group(0).rstrip(").,;") if match else ""


@register.filter
def law_with_article(name: str) -> str:
    """A law's name as a sentence cites it: "the Act", "The Freedom of ... Act", "la Loi"."""
    from ..letters import law_phrase

    return law_phrase(name, get_language())
