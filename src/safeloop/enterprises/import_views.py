"""Spreadsheet pages: template download, upload → check (dry run) → confirm, progress, error
report, and the export of the filtered list."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core import audit
from safeloop.core import exports as core_exports
from safeloop.core.documents import xlsx_response
from safeloop.core.views import attempt
from safeloop.enterprises import selectors, services, spreadsheets
from safeloop.enterprises.filters import EnterpriseFilter
from safeloop.enterprises.imports import run_batch
from safeloop.enterprises.models import ImportStatus


@login_required
def template_download(request):
    services.allow_import(request.user)
    return xlsx_response(spreadsheets.template(request.user), "enterprise-ledger-template.xlsx")


@core_exports.register("enterprises", lambda: _("Enterprise ledger"))
def _ledger_export(request):
    base = selectors.enterprises_for(request.user)
    filterset = EnterpriseFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return queryset.order_by("name", "pk"), partial(spreadsheets.ledger_sheets, user=request.user)


@login_required
def export(request):
    """The list as filtered, in the import's columns: at once, or built by the worker when it
    is long (core.exports). Who exported the ledger (ID numbers included) is audited."""
    audit.record("enterprises.export", changes={"query": request.GET.urlencode()})
    return core_exports.respond(request, "enterprises")


def _run(batch):
    """A small batch runs in the request; a large one was queued by the service."""
    if not batch.background:
        run_batch(batch, apply=batch.status == ImportStatus.APPLYING)


@login_required
def import_upload(request):
    services.allow_import(request.user)
    recent = services.batches_for(request.user)[:10]
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        done = attempt(request, services.upload_batch, actor=request.user, upload=upload)
        if done:
            _run(done.value)
            return redirect("enterprise-import", token=done.value.token)
        status = done.status
    return render(request, "enterprises/import_upload.html", {"recent": recent}, status=status)


def _batch(request, token):
    services.allow_import(request.user)
    return get_object_or_404(services.batches_for(request.user), token=token)


def _detail(request, batch, status=200):
    template = (
        "enterprises/_import_status.html"
        if request.headers.get("HX-Request")
        else "enterprises/import.html"
    )
    context = {"batch": batch, "errors": batch.errors[:500]}
    return render(request, template, context, status=status)


@login_required
def import_detail(request, token):
    return _detail(request, _batch(request, token))


@login_required
@require_POST
def import_confirm(request, token):
    batch = _batch(request, token)
    done = attempt(request, services.start_batch, actor=request.user, batch=batch, apply=True)
    if not done:
        batch.refresh_from_db()
        return _detail(request, batch, status=done.status)
    _run(done.value)
    return redirect("enterprise-import", token=batch.token)


@login_required
def import_errors(request, token):
    batch = _batch(request, token)
    return xlsx_response(spreadsheets.error_report(batch), f"import-errors-{batch.token[:8]}.xlsx")


@login_required
@require_POST
def import_retry(request, token):
    """重试: a failed batch's file is checked again (its uploader only)."""
    batch = _batch(request, token)
    done = attempt(request, services.retry_batch, actor=request.user, batch=batch)
    if not done:
        batch.refresh_from_db()
        return _detail(request, batch, status=done.status)
    _run(done.value)
    return redirect("enterprise-import", token=batch.token)
