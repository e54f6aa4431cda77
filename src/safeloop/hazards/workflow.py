"""The closed loop as one transition table. docs/hazards.md renders it; the tests walk every
(state, move, actor) combination of it.

Actor kinds (decided per hazard and user in `actors.py`):
- enterprise: the hazard's enterprise principal or safety manager;
- regulator: a regulator whose scope covers the hazard;
- lister: a regulator at the level the policy names for listing (county or city), in scope;
- acceptor: whoever accepts this hazard (see `actors.acceptor_kind`), never its submitter;
- extension_decider: a regulator in scope; for a major hazard, its supervising department;
- anyone: any signed-in user or the public (reports only).
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Transition, Workflow
from safeloop.hazards.choices import State

P, R, A, C, V = State.PENDING, State.RECTIFYING, State.AWAITING, State.CLOSED, State.VOIDED
ENTERPRISE, REGULATOR = "enterprise", "regulator"


def t(move, sources, target, actors, label):
    return Transition(move, frozenset(sources), target, frozenset(actors), label)


HAZARD_WORKFLOW = Workflow(
    "hazard",
    [
        t("register", [CREATED], R, [ENTERPRISE, REGULATOR], _("Register")),
        t("fix_on_spot", [CREATED], A, [ENTERPRISE, REGULATOR], _("Fixed on the spot")),
        t("report", [CREATED], P, ["anyone"], _("Report")),
        t("confirm", [P], R, [ENTERPRISE, REGULATOR], _("Confirm")),
        t("reject", [P], V, [ENTERPRISE, REGULATOR], _("Reject")),
        t("plan", [R], None, [ENTERPRISE], _("Record the plan")),
        t("list", [R], None, ["lister"], _("List for supervision")),
        t("submit", [R], A, [ENTERPRISE], _("Submit for acceptance")),
        t("request_extension", [R], None, [ENTERPRISE], _("Request an extension")),
        t("decide_extension", [R], None, ["extension_decider"], _("Decide the extension")),
        t("accept", [A], C, ["acceptor"], _("Accept and close")),
        t("return", [A], R, ["acceptor"], _("Return for rectification")),
        t("void", [P, R, A], V, [REGULATOR], _("Void")),
    ],
)
