from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentKind(models.TextChoices):
    """执法文书 a regulator issues from a visit or a hidden danger."""

    ORDER = "order", _("Order to rectify within a time limit")
    MEASURES = "measures", _("Decision on on-site measures")
    RECHECK = "recheck", _("Re-check opinion on rectification")


# The title printed on each document and the short word in its number (…责改〔2026〕3号).
DOCUMENT_TITLES = {
    DocumentKind.ORDER: ("责令限期整改指令书", "责改"),
    DocumentKind.MEASURES: ("现场处理措施决定书", "现决"),
    DocumentKind.RECHECK: ("整改复查意见书", "复查"),
}


class DocumentState(models.TextChoices):
    ISSUED = "issued", _("Issued, not yet served")
    SERVED = "served", _("Served")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the enterprise")
    CLOSED = "closed", pgettext_lazy("document state", "Closed")
    VOIDED = "voided", _("Voided")


OPEN_DOCUMENT_STATES = (DocumentState.ISSUED, DocumentState.SERVED, DocumentState.ACKNOWLEDGED)


class OnSiteMeasure(models.TextChoices):
    """现场处理措施 (安全生产法 Art. 65 (3))."""

    STOP_EQUIPMENT = "stop_equipment", _("Stop using the equipment")
    STOP_AREA = "stop_area", _("Stop operations in the area")
    EVACUATE = "evacuate", _("Evacuate the people in danger")


class RecheckResult(models.TextChoices):
    PASSED = "passed", _("Rectified")
    FAILED = "failed", _("Not rectified")


class CaseState(models.TextChoices):
    """行政处罚案件: 立案 → 调查 → 告知 → 决定 → 执行 → 结案."""

    FILED = "filed", pgettext_lazy("case state", "Filed")
    INVESTIGATING = "investigating", _("Under investigation")
    NOTIFIED = "notified", _("Party notified")
    DECIDED = "decided", _("Decided")
    EXECUTED = "executed", _("Executed")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PenaltyGround(models.TextChoices):
    """What kind of provision a legal basis is, as far as the credit record cares: an
    ordinary fine, the two-to-five-times fine of 安全生产法 Art. 114 para. 2, or operating
    without a required licence (安全生产许可证条例 Art. 19)."""

    ORDINARY = "ordinary", _("Ordinary penalty")
    MULTIPLE = "multiple", _("Fine of two to five times (Work Safety Law Art. 114)")
    UNLICENSED = "unlicensed", _("Operating without a required licence")


class SanctionKind(models.TextChoices):
    """事前责任追究的措施 named by the notice, and the interview that usually comes first."""

    INTERVIEW = "interview", _("Interview")
    CRITICISM = "criticism", _("Circulated criticism")
    YELLOW_CARD = "yellow_card", _("Yellow-card warning")
    WRITTEN_REVIEW = "written_review", _("Written self-criticism")
    PUBLIC_REVIEW = "public_review", _("Public self-criticism")
    NO_AWARDS = "no_awards", _("Excluded from awards")


# The official title of each measure's notice (the PDF's 红头 and a record page's 文书 block).
SANCTION_TITLES = {
    SanctionKind.INTERVIEW: "约谈通知书",
    SanctionKind.CRITICISM: "通报批评决定",
    SanctionKind.YELLOW_CARD: "黄牌警告决定",
    SanctionKind.WRITTEN_REVIEW: "责令书面检查通知书",
    SanctionKind.PUBLIC_REVIEW: "责令公开检查通知书",
    SanctionKind.NO_AWARDS: "取消评先评优资格决定",
}


# Measures published on the public site unless the approver decides otherwise.
PUBLIC_BY_DEFAULT = frozenset(
    {SanctionKind.CRITICISM, SanctionKind.YELLOW_CARD, SanctionKind.PUBLIC_REVIEW}
)


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PERSON = "person", _("Person")
    DEPARTMENT = "department", _("County or park department")


class ApprovalLevel(models.TextChoices):
    COUNTY = "county", _("County")
    CITY = "city", _("City")


class SanctionState(models.TextChoices):
    DRAFTED = "drafted", _("Awaiting approval")
    APPROVED = "approved", _("Approved and issued")
    RESPONDED = "responded", _("Response received")
    CLOSED = "closed", pgettext_lazy("sanction state", "Closed")
    REJECTED = "rejected", _("Not approved")


class ProposalState(models.TextChoices):
    OPEN = "open", _("Awaiting a decision")
    ACCEPTED = "accepted", _("Measure drafted")
    DISMISSED = "dismissed", _("Dismissed")
