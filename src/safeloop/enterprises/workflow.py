"""The ledger's two lifecycles as transition tables; docs/ledger.md renders them and the
tests walk every (state, move, actor kind) of them through the real services.

change_request — an enterprise asks its regulator to change a regulated field:
- staff: a principal or safety manager of the request's enterprise;
- regulator: a regulator whose scope covers the enterprise.

import_batch — one uploaded ledger spreadsheet, checked (dry run), then applied:
- uploader: the regulator who uploaded the batch (only they see it);
- system: the import job (in the request for small files, the worker for large ones),
  which ends a check or an import as its outcome says; and the stalled-work recovery
  (core/stalled.py), which marks a batch interrupted when the process running it died.
A failed batch is retried by its uploader: its file is checked again from the start.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, SYSTEM, Workflow, t
from safeloop.enterprises.choices import ChangeRequestStatus as CR
from safeloop.enterprises.models import ImportStatus as IS

STAFF, REGULATOR, UPLOADER = "staff", "regulator", "uploader"

CHANGE_REQUEST = Workflow(
    "change_request",
    [
        t("request", [CREATED], CR.PENDING, [STAFF], _("Request a change")),
        t("approve", [CR.PENDING], CR.APPROVED, [REGULATOR], _("Approve")),
        t("refuse", [CR.PENDING], CR.REFUSED, [REGULATOR], _("Refuse")),
    ],
    model="enterprises.ChangeRequest",
    state_field="status",
    kinds={
        STAFF: "a principal or safety manager of the enterprise",
        REGULATOR: "a regulator whose scope covers the enterprise",
    },
)

IMPORT_BATCH = Workflow(
    "import_batch",
    [
        t("upload", [CREATED], IS.UPLOADED, [UPLOADER], _("Upload")),
        t("check", [IS.UPLOADED], IS.CHECKING, [UPLOADER], _("Check")),
        t("checked", [IS.CHECKING], IS.CHECKED, [SYSTEM], _("Check finished")),
        t("apply", [IS.CHECKED], IS.APPLYING, [UPLOADER], _("Import")),
        t("applied", [IS.APPLYING], IS.APPLIED, [SYSTEM], _("Import finished")),
        t("fail", [IS.CHECKING, IS.APPLYING], IS.FAILED, [SYSTEM], _("Fail")),
        t("interrupt", [IS.CHECKING, IS.APPLYING], IS.FAILED, [SYSTEM], _("Interrupted")),
        t("retry", [IS.FAILED], IS.CHECKING, [UPLOADER], _("Retry")),
    ],
    model="enterprises.ImportBatch",
    state_field="status",
    kinds={
        UPLOADER: "the regulator who uploaded the file (no one else sees it)",
        SYSTEM: "the import job, in the request or in the worker; the stalled-work recovery",
    },
)
