"""The header's inbox link with its unread count: `{% include "web/_inbox_badge.html" %}`."""

from django import template

from safeloop.web.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0
