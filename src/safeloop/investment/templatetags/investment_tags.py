from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """An amount in yuan with thousands separators and its fen, exactly: 2150000 →
    "2,150,000.00"; more decimals (a band's exact part) are kept."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount == amount.quantize(Decimal("0.01")):
        return f"{amount.quantize(Decimal('0.01')):,}"
    return f"{amount.normalize():,f}"
