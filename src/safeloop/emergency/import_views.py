"""Spreadsheet import of emergency resources: the template, then check (dry run) or import
(all rows or none) of an uploaded file, with every error by row and column."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safeloop.core import audit, bulk
from safeloop.core.documents import xlsx_response
from safeloop.emergency import imports
from safeloop.emergency.models import Resource


def allow_import(user) -> None:
    """403 for anyone who may not change resources (experts, the public)."""
    if not user.roles & Resource.scope_roles["change"]:
        raise PermissionDenied


@login_required
def template_download(request):
    allow_import(request.user)
    return xlsx_response(imports.template(), "emergency-resources-template.xlsx")


def run_upload(user, upload, *, apply: bool) -> tuple[int, dict]:
    """(status, outcome) for the screen and the API alike: 400 for a missing, refused or
    unreadable file and for rows with errors, 200 otherwise."""
    if upload is None:
        return 400, {"message": _("Choose a file."), "errors": [], "error_count": 0}
    try:
        outcome = imports.run(user, upload, apply=apply)
    except bulk.FileRefused as refused:
        return 400, {"message": str(refused), "errors": [], "error_count": 1}
    if outcome["error_count"]:
        outcome["message"] = "发现错误，未导入任何数据" if apply else "发现错误，请修改后重新检查"
        return 400, outcome
    if apply:
        audit.record(
            "emergency.resource.import",
            changes={
                "file": upload.name,
                "created": outcome["created_count"],
                "updated": outcome["updated_count"],
            },
        )
    return 200, outcome


@login_required
def import_page(request):
    allow_import(request.user)
    status, outcome = 200, None
    if request.method == "POST":
        apply = request.POST.get("apply") == "1"
        status, outcome = run_upload(request.user, request.FILES.get("file"), apply=apply)
        if status == 200 and outcome["applied"]:
            messages.success(
                request,
                _("Imported: %(new)s new, %(changed)s changed.")
                % {"new": outcome["created_count"], "changed": outcome["updated_count"]},
            )
            return redirect("emergency-resource-list")
    return render(
        request,
        "emergency/resource_import.html",
        {"outcome": outcome, "max_rows": imports.MAX_ROWS},
        status=status,
    )
