"""Finding an enterprise by what a person types: a fragment of the name, pinyin initials, or
the credit code whole or in part. The ledger's filter, the pickers, the public report form
and the inspection plan's visit-by-hand read it."""

from django.db.models import Case, Q, When


def search_q(text: str) -> Q:
    """Name, the start of a USCC, or pinyin initials (nxsf finds 宁夏示范…)."""
    text = text.strip()
    q = Q(name__icontains=text) | Q(uscc__startswith=text.upper())
    if text.isascii() and text.isalnum():
        q |= Q(pinyin_initials__startswith=text.lower())
    return q


def lookup_q(text: str) -> Q:
    """What `lookup` matches: `search_q`, and pinyin initials or a part of the code anywhere."""
    q = search_q(text)
    if text.isascii() and text.isalnum():  # initials anywhere: "htgt" in 宁夏汇通钢铁…
        q |= Q(pinyin_initials__contains=text.lower())
        if len(text) >= 4:
            q |= Q(uscc__contains=text.upper())
    return q


def lookup(queryset, text: str, limit: int = 20):
    """Enterprises of `queryset` one person would mean by `text`: a fragment of the name,
    pinyin initials ("htgt" finds 汇通钢铁), or a credit code, whole or in part and in any
    case. The first `limit`, an exact credit code first, then by name."""
    text = (text or "").strip()
    if not text:
        return queryset.none()
    q = lookup_q(text)
    code_first = Case(When(uscc=text.upper(), then=0), default=1)
    rows = queryset.filter(q).annotate(code_first=code_first)
    return rows.order_by("code_first", "name", "id")[:limit]
