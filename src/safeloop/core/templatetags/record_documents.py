"""`{% record_documents record %}`: the 文书 block of a record's page, every document of the
record the reader may open (`core.record_documents`), each with its number, title and date
and a link opening the PDF. Nothing is shown when the reader may open none."""

from django import template

from safeloop.core.record_documents import documents_for

register = template.Library()


@register.inclusion_tag("core/_record_documents.html", takes_context=True)
def record_documents(context, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"documents": documents_for(record, user)}
