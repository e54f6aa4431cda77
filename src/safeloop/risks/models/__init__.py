from safeloop.risks.models.installations import HazardUnit, HazardUnitSubstance
from safeloop.risks.models.map import MapPoint
from safeloop.risks.models.points import (
    ControlMeasure,
    EnterpriseRiskProfile,
    RiskAssessment,
    RiskPoint,
)
from safeloop.risks.models.reference import (
    AccidentType,
    AccidentTypeCodeSet,
    AlphaBand,
    GradingScheme,
    HazardCategory,
    HazardGradeBand,
    HazardousSubstance,
    LecValue,
    LsValue,
)

__all__ = [
    "AccidentType",
    "AccidentTypeCodeSet",
    "AlphaBand",
    "ControlMeasure",
    "EnterpriseRiskProfile",
    "GradingScheme",
    "HazardCategory",
    "HazardGradeBand",
    "HazardUnit",
    "HazardUnitSubstance",
    "MapPoint",
    "HazardousSubstance",
    "LecValue",
    "LsValue",
    "RiskAssessment",
    "RiskPoint",
]
