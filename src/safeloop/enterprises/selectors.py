"""Reads of the ledger that are more than a filter; each takes the user."""

from django.db.models import Count

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import Enterprise

# The detail page's tabs and the audit history each shows.
TAB_FIELDS = {
    "basic": {
        "name",
        "former_names",
        "uscc",
        "legal_representative",
        "legal_representative_mobile",
        "principal",
        "principal_mobile",
        "principal_duties",
        # the single safety manager before the list (entries written until migration 0007)
        "safety_manager",
        "safety_manager_mobile",
        "safety_manager_duties",
        "address",
        "latitude",
        "longitude",
        "region_id",
        "park_id",
        "grid_id",
        "industry_code",
        "sector",
        "scale",
        "employees",
        "status",
        *Enterprise.RISK_FEATURES,
        "deleted_at",
    },
    "permits": {
        "standard_grade",
        "standard_expiry",
        "injury_insured",
        "liability_policy",
        "liability_insurer",
        "liability_expiry",
        "deposit_amount",
        "deposit_date",
        "has_safety_body",
        "safety_body_headcount",
    },
}


def enterprises_for(user, action: str = "view"):
    return Enterprise.objects.for_user(user, action).select_related("region", "park", "grid")


def can_see_id_numbers(user, enterprise) -> bool:
    """Administrators and the enterprise's own staff see ID numbers in full; others masked."""
    return Enterprise.objects.for_user(user, "see_ids").filter(pk=enterprise.pk).exists()


FACETS = ("sector", "status", "scale")


def facet_counts(queryset) -> tuple[dict[str, dict[str, int]], int]:
    """How many of the filtered enterprises fall in each sector, status and scale, and how
    many there are in all — one grouped scan of the filtered set."""
    counts: dict[str, dict[str, int]] = {field: {} for field in FACETS}
    total = 0
    for row in queryset.order_by().values(*FACETS).annotate(n=Count("pk")):
        total += row["n"]
        for field in FACETS:
            counts[field][row[field]] = counts[field].get(row[field], 0) + row["n"]
    return counts, total


def history(enterprise, tab: str = "all"):
    """Audit entries about the enterprise and its parts, newest first, for one tab."""
    from django.contrib.contenttypes.models import ContentType

    from safeloop.enterprises.models import (
        ChangeRequest,
        Document,
        Licence,
        SafetyManager,
        SpecialOperator,
    )

    def of(model, ids):
        return {"content_type": ContentType.objects.get_for_model(model), "ids": ids}

    parts = {
        "personnel": of(SpecialOperator, enterprise.operators.values_list("pk", flat=True)),
        "licences": of(Licence, enterprise.licences.values_list("pk", flat=True)),
        "documents": of(Document, enterprise.documents.values_list("pk", flat=True)),
        "requests": of(ChangeRequest, enterprise.change_requests.values_list("pk", flat=True)),
        # removed safety managers too: their history stays on the record
        "managers": of(
            SafetyManager,
            SafetyManager.all_objects.filter(enterprise=enterprise).values_list("pk", flat=True),
        ),
    }
    own = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Enterprise), object_id=str(enterprise.pk)
    )
    if tab in TAB_FIELDS:
        entries = [
            e
            for e in own.select_related("actor")
            if set(e.changes) & TAB_FIELDS[tab] or (tab == "basic" and not e.changes)
        ]
        if tab == "permits":
            entries += list(_entries(parts["licences"]))
            entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
        if tab == "basic":
            entries += list(_entries(parts["requests"])) + list(_entries(parts["managers"]))
            entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
        return entries
    if tab in parts:
        return list(_entries(parts[tab]))
    entries = list(own)
    for part in parts.values():
        entries += list(_entries(part))
    entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
    return entries


def _entries(part):
    return AuditEntry.objects.filter(
        content_type=part["content_type"], object_id__in=[str(pk) for pk in part["ids"]]
    )
