"""`{{ value|plain_number }}`: a stored decimal as people write it (720, 12.5), never
720.0000 or 7.2E+2."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def plain_number(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}"
    return f"{number.normalize():f}"


@register.filter
def weekday(value) -> str:
    """周一 … 周日 for a date (core.calendar.WEEKDAYS)."""
    from safeloop.core.calendar import weekday_name

    return weekday_name(value) if value else ""
