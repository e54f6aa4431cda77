"""Excel exports of any size: small ones in the request, large ones by the worker.

An app registers each list export once, as a function of the request that answers
`(queryset, make)`: `queryset` is what the list shows the user (scope, saved view and filters
applied), `make(queryset)` gives `(filename, sheets)` for `core.documents`. `respond` counts
the queryset up to `settings.EXPORT_INLINE_ROWS`: at most that many rows, and at most
`settings.EXPORT_INLINE_CELLS` cells in the widest sheet, and the workbook comes back at once;
more and an `ExportFile` is queued, the worker replays the same query
string as the same user (`run`), and the user finds the file on /exports/ and in the inbox.
Nothing about a large export holds a web worker for minutes or a server-side cursor in a
request that a proxy may cut.
"""

import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from safeloop.core import audit
from safeloop.core.documents import Sheet, closing_rows, workbook_response, write_workbook
from safeloop.core.models import ExportFile
from safeloop.core.notify import notify
from safeloop.core.replica import reporting_reads

logger = logging.getLogger(__name__)

Make = Callable[[object], tuple[str, Iterable[Sheet]]]
Build = Callable[[object], tuple[object, Make]]


@dataclass(frozen=True)
class Registered:
    title: Callable[[], str]
    build: Build


REGISTRY: dict[str, Registered] = {}


def register(kind: str, title: Callable[[], str]):
    """Decorator: `build(request) -> (queryset, make)` is the export `kind`."""

    def wrap(build: Build) -> Build:
        REGISTRY[kind] = Registered(title, build)
        return build

    return wrap


@dataclass
class Replay:
    """What a registered export reads of a request, rebuilt in the worker."""

    user: object
    GET: QueryDict
    LANGUAGE_CODE: str


def respond(request, kind: str) -> HttpResponse:
    """The workbook now, or a queued export and a redirect to the exports page. At once when
    the rows are at most `EXPORT_INLINE_ROWS` and rows × columns of the widest sheet at most
    `EXPORT_INLINE_CELLS`: a workbook costs about 20 µs a cell to write, so the budget keeps
    the request short whatever the number of columns (a ledger of 1,667 enterprises in 40
    columns took 1.8 s in the request)."""
    queryset, make = REGISTRY[kind].build(request)
    limit = settings.EXPORT_INLINE_ROWS
    rows = queryset.order_by()[: limit + 1].count()  # type: ignore[attr-defined]
    if rows <= limit:
        filename, sheets = make(queryset)
        sheets = list(sheets)
        columns = max((len(header) for _title, header, _rows in sheets), default=1)
        if rows * columns <= settings.EXPORT_INLINE_CELLS:
            return workbook_response(filename, sheets)
        for _title, _header, unread in sheets:  # a server-side cursor behind them is closed
            with closing_rows(unread):
                pass
    export = queue(request, kind)
    messages.info(
        request,
        _(
            "More than %(n)s rows: the file is being built and will be listed here when "
            "ready (you will also find a message in your inbox)."
        )
        % {"n": f"{limit:,}"},
    )
    return redirect(f"{reverse('exports')}#export-{export.pk}")


def queue(request, kind: str) -> ExportFile:
    query = request.GET.copy()
    query.pop("page", None)
    with transaction.atomic():
        export = ExportFile.objects.create(
            owner=request.user,
            kind=kind,
            title=REGISTRY[kind].title(),
            query=query.urlencode(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        audit.record(
            "request", export, changes={"filters": [None, export.query]}, actor=request.user
        )
        # the job `core.tasks.run_export`, named: core.tasks imports this module
        job = app.configure_task("core.run_export", allow_unknown=False)
        transaction.on_commit(lambda: job.defer(export_id=export.pk))
    return export


@reporting_reads()
def _workbook(export: ExportFile, out) -> tuple[str, int]:
    """The export's rows written to `out`: a report read, from the replica when it is fresh
    (core/replica.py), from the primary again if the replica fails meanwhile."""
    out.seek(0)
    out.truncate()
    replay = Replay(export.owner, QueryDict(export.query), export.language)
    queryset, make = REGISTRY[export.kind].build(replay)
    filename, sheets = make(queryset)
    return filename, write_workbook(sheets, out)


def run(export_id: int) -> ExportFile | None:
    """Build one queued export as its owner; a failure is recorded on it, never lost."""
    # A job retried after its worker died finds its export still running and builds it anew.
    taken = ExportFile.objects.filter(
        pk=export_id, state__in=[ExportFile.State.QUEUED, ExportFile.State.RUNNING]
    ).update(state=ExportFile.State.RUNNING)
    if not taken:
        return None
    export = ExportFile.objects.select_related("owner").get(pk=export_id)
    get_resolver().url_patterns  # noqa: B018 - the apps' views register their exports
    try:
        with translation.override(export.language):
            with tempfile.TemporaryFile() as out:
                filename, export.rows = _workbook(export, out)
                out.seek(0)
                export.file.save(filename, File(out), save=False)
            export.state = ExportFile.State.DONE
            title = _("Your export is ready: %(title)s") % {"title": export.title}
    except Exception:  # recorded on the export and logged; the user is told it failed
        logger.exception("export %s failed", export_id)
        export.state = ExportFile.State.FAILED
        with translation.override(export.language):
            export.error = _("The file could not be built. Please try again or narrow the filters.")
            title = _("Your export failed: %(title)s") % {"title": export.title}
    export.finished_at = timezone.now()
    export.save()
    notify(
        [export.owner],
        kind="export",
        title=title,
        link=f"{reverse('exports')}#export-{export.pk}",
        dedupe_key=f"export:{export.pk}",
    )
    return export


def expire(days: int | None = None) -> int:
    """Delete the files of exports older than `EXPORT_KEEP_DAYS`; the rows stay."""
    days = settings.EXPORT_KEEP_DAYS if days is None else days
    old = ExportFile.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days),
        state__in=[ExportFile.State.DONE, ExportFile.State.FAILED],
    )
    done = 0
    for export in old.iterator():
        if export.file:
            export.file.delete(save=False)
        export.state = ExportFile.State.EXPIRED
        export.save(update_fields=["file", "state"])
        done += 1
    return done
