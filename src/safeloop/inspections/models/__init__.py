"""Inspections: the criteria library, checklists and their applicability, plans with their
targets and visits, and each visit's results."""

from safeloop.inspections.models.checklists import ApplicabilityRule, Checklist, ChecklistItem
from safeloop.inspections.models.criteria import CriteriaStandard, Criterion
from safeloop.inspections.models.plans import (
    POLICY_EDITORS,
    Plan,
    PlanTarget,
    RiskFrequency,
    TargetingPolicy,
)
from safeloop.inspections.models.visits import Visit, VisitPhoto, VisitResult

__all__ = [
    "POLICY_EDITORS",
    "ApplicabilityRule",
    "Checklist",
    "ChecklistItem",
    "CriteriaStandard",
    "Criterion",
    "Plan",
    "PlanTarget",
    "RiskFrequency",
    "TargetingPolicy",
    "Visit",
    "VisitPhoto",
    "VisitResult",
]
