"""Spreadsheet pages: template download, upload → check (dry run) → confirm, progress, error
report, and the export of the filtered list."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core import audit
from safeloop.core.documents import XLSX, xlsx_response
from safeloop.enterprises import selectors, spreadsheets
from safeloop.enterprises.filters import EnterpriseFilter
from safeloop.enterprises.imports import run_batch, sync_limit
from safeloop.enterprises.models import ImportBatch, ImportStatus
from safeloop.orgs.roles import REGULATORS


def _regulator(request):
    if not request.user.roles & REGULATORS:
        raise PermissionDenied


@login_required
def template_download(request):
    _regulator(request)
    return xlsx_response(spreadsheets.template(request.user), "enterprise-ledger-template.xlsx")


@login_required
def export(request):
    base = selectors.enterprises_for(request.user)
    filterset = EnterpriseFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    out, rows = spreadsheets.export(queryset.order_by("name", "pk"), user=request.user)
    audit.record("enterprises.export", changes={"rows": rows, "query": request.GET.urlencode()})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out, as_attachment=True, filename=f"enterprise-ledger-{stamp}.xlsx", content_type=XLSX
    )


def _start(batch, *, apply: bool):
    if batch.background:
        from safeloop.enterprises.tasks import run_import

        batch.status = ImportStatus.APPLYING if apply else ImportStatus.CHECKING
        batch.save(update_fields=["status"])
        run_import.defer(batch_id=batch.pk, apply=apply)
    else:
        run_batch(batch, apply=apply)


@login_required
def import_upload(request):
    _regulator(request)
    recent = ImportBatch.objects.filter(created_by=request.user)[:10]
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            batch = ImportBatch(
                token=secrets.token_hex(16),
                created_by=request.user,
                original_name=upload.name[:200],
                background=upload.size > sync_limit(),
            )
            batch.file.save(f"{batch.token}.xlsx", upload, save=False)
            batch.save()
            _start(batch, apply=False)
            return redirect("enterprise-import", token=batch.token)
    return render(request, "enterprises/import_upload.html", {"recent": recent})


def _batch(request, token):
    _regulator(request)
    return get_object_or_404(ImportBatch, token=token, created_by=request.user)


@login_required
def import_detail(request, token):
    batch = _batch(request, token)
    template = (
        "enterprises/_import_status.html"
        if request.headers.get("HX-Request")
        else "enterprises/import.html"
    )
    return render(request, template, {"batch": batch, "errors": batch.errors[:500]})


@login_required
@require_POST
def import_confirm(request, token):
    batch = _batch(request, token)
    if batch.status != ImportStatus.CHECKED or batch.error_count:
        messages.error(request, _("Only a checked file without errors can be imported."))
    else:
        _start(batch, apply=True)
    return redirect("enterprise-import", token=batch.token)


@login_required
def import_errors(request, token):
    batch = _batch(request, token)
    return xlsx_response(spreadsheets.error_report(batch), f"import-errors-{batch.token[:8]}.xlsx")
