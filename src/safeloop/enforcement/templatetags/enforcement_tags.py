"""`{% enforcement_issue user visit=… %}` on a visit's or a hidden danger's page: the buttons
to issue a document or open a penalty case, for those who may. The documents themselves are
listed by core's `{% record_documents %}` block (`enforcement.record_documents`)."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.inclusion_tag("enforcement/_issue.html")
def enforcement_issue(user, visit=None, hazard=None):
    from safeloop.enforcement.models import Document
    from safeloop.enforcement.workflow import ENFORCER, actor_kinds

    source = visit or hazard
    if source is None or not user.is_authenticated:
        return {"issue_query": ""}
    firm = source.enterprise
    probe = Document(enterprise=firm, region_code=firm.region_code)
    if ENFORCER not in actor_kinds(user, probe):
        return {"issue_query": ""}
    query = urlencode({"visit": visit.pk} if visit is not None else {"hazard": hazard.pk})
    return {"issue_query": query}
