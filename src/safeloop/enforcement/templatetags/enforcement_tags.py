"""`{% enforcement_documents user visit=… %}` on a visit's, a hidden danger's or an
enterprise's page: the documents the reader may see, each one tap from its PDF, and the
buttons to issue one for those who may."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.inclusion_tag("enforcement/_documents.html")
def enforcement_documents(user, visit=None, hazard=None, enterprise=None):
    from safeloop.enforcement import selectors
    from safeloop.enforcement.models import READERS, Document
    from safeloop.enforcement.workflow import ENFORCER, actor_kinds

    if not user.is_authenticated or not user.roles & READERS:
        return {"documents": [], "hidden": True}
    documents = selectors.documents_of(user, visit=visit, hazard=hazard, enterprise=enterprise)
    source = visit or hazard
    query = ""
    if source is not None:
        firm = source.enterprise
        probe = Document(enterprise=firm, region_code=firm.region_code)
        if ENFORCER in actor_kinds(user, probe):
            query = urlencode({"visit": visit.pk} if visit is not None else {"hazard": hazard.pk})
    return {"documents": documents, "issue_query": query}
