from django import template

from safeloop.orgs.roles import REGULATORS

register = template.Library()


@register.filter
def is_regulator(user) -> bool:
    """Whether the user holds a regulator role: the coverage report is theirs only."""
    return bool(user.is_authenticated and user.roles & REGULATORS)
