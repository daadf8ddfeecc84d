from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def cad(amount: Decimal | None) -> str:
    """An amount in Canadian dollars, written the English or French way ($5.00 / 5,00 $)."""
    if amount is None:
        return ""
    if get_language() == "fr":
        return f"{number_format(amount, 2, use_l10n=True)}\u00a0$"
    return f"${amount:,.2f}"
