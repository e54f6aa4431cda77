"""The emergency rule in force on a day (rule data, emergency.models.EmergencyRule)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Invalid
from safeloop.emergency.models import EmergencyRule


def rule_on(day: date | None = None) -> EmergencyRule:
    """The newest version in force on `day` (today); 400 when none is (an administrator
    must add one on the rules screen)."""
    day = day or timezone.localdate()
    rule = EmergencyRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise Invalid(_("No emergency rule is in force; an administrator must add one."))
    return rule
