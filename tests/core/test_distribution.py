"""The national path on paper (docs/operations.md, "National scale"), checked by code: every
scoped table carries the region code a Citus distribution by administrative code needs, as a
NOT NULL column the database indexes first, or is listed here with the reason it does not.

Scope is declared by a model's `scope_paths` (core/scoping.py): `region` names the field its
rows are reached by from a region grant; a path through a relation (`enterprise__region_code`)
means the table does not carry the code itself."""

import pytest
from django.apps import apps
from django.db import connection

from safeloop.core.scoping import ScopedQuerySet

# A child scoped through its parent's region code: distributed, it would be co-located with
# the parent only once it carries the parent's region_code (docs: what must change).
THROUGH_ENTERPRISE = "child of enterprises.Enterprise, reached through enterprise.region_code"
THROUGH_PARENT = "child record, reached through its parent's region_code"

JOINED = {
    "enterprises.SpecialOperator": THROUGH_ENTERPRISE,
    "enterprises.SafetyManager": THROUGH_ENTERPRISE,
    "enterprises.Licence": THROUGH_ENTERPRISE,
    "enterprises.Document": THROUGH_ENTERPRISE,
    "enterprises.ChangeRequest": THROUGH_ENTERPRISE,
    "risks.RiskPoint": THROUGH_ENTERPRISE,
    "risks.RiskAssessment": THROUGH_ENTERPRISE,
    "risks.ControlMeasure": THROUGH_ENTERPRISE,
    "risks.EnterpriseRiskProfile": THROUGH_ENTERPRISE,
    "risks.HazardUnit": THROUGH_ENTERPRISE,
    "risks.HazardUnitSubstance": THROUGH_PARENT + " (risks.HazardUnit)",
    "accidents.Accident": THROUGH_ENTERPRISE,
    "accidents.Investigation": THROUGH_PARENT + " (accidents.Accident)",
    "emergency.Stock": THROUGH_PARENT + " (emergency.Resource, its warehouse)",
    "emergency.CommandMember": THROUGH_PARENT + " (emergency.Incident)",
    "emergency.Task": THROUGH_PARENT + " (emergency.Incident)",
    "emergency.Plan": THROUGH_ENTERPRISE,
    "emergency.Drill": THROUGH_ENTERPRISE,
    "public.Reward": THROUGH_PARENT + " (public.PublicReport)",
    "public.ArticleAttachment": THROUGH_PARENT + " (public.Article)",
    "training.TrainingRecord": THROUGH_ENTERPRISE,
    "training.AnnualTraining": THROUGH_ENTERPRISE,
    "training.CampaignMaterial": THROUGH_PARENT + " (training.Campaign)",
    "training.CampaignActivity": THROUGH_PARENT + " (training.Campaign)",
    "investment.ExpenseYear": THROUGH_ENTERPRISE,
    "investment.ExpenseUse": THROUGH_ENTERPRISE,
    "sourcecontrol.ExpertRelation": THROUGH_PARENT + " (sourcecontrol.ExpertProfile)",
    "sourcecontrol.ExpertAssignment": THROUGH_ENTERPRISE,
    "sourcecontrol.ExpertVisit": THROUGH_ENTERPRISE,
    "sourcecontrol.VisitFinding": THROUGH_PARENT + " (sourcecontrol.ExpertVisit)",
    "sourcecontrol.InventoryItem": THROUGH_ENTERPRISE,
    "sourcecontrol.CatalogueMatch": THROUGH_ENTERPRISE,
    "sourcecontrol.EliminationItem": THROUGH_ENTERPRISE,
    "sourcecontrol.Milestone": THROUGH_ENTERPRISE,
    "sourcecontrol.LicenceCancellation": THROUGH_ENTERPRISE,
    "sourcecontrol.StopOrder": THROUGH_ENTERPRISE,
    "parkrisk.Measure": THROUGH_PARENT + " (parkrisk.ParkAssessment)",
    "duties.ResponsibilityList": THROUGH_ENTERPRISE,
    "duties.Signatory": THROUGH_PARENT + " (duties.ResponsibilityList)",
    "duties.DepartmentDuty": THROUGH_PARENT + " (orgs.Department)",
    "crackdown.Action": THROUGH_PARENT + " (crackdown.Case)",
    "crackdown.FollowUp": THROUGH_PARENT + " (crackdown.Case)",
    "targets.Assessment": "one assessment spans many regions' results (targets.AssessmentResult)",
    "targets.ScoreEntry": THROUGH_PARENT + " (targets.AssessmentResult)",
    "credit.CreditRecord": THROUGH_ENTERPRISE,
    "credit.CreditEvent": THROUGH_ENTERPRISE,
    "credit.Listing": THROUGH_ENTERPRISE,
    "credit.Repair": THROUGH_PARENT + " (credit.Listing)",
}

# Tables that carry the column but would be Citus reference tables, not distributed: an index
# led by the region code is not what they need.
REFERENCE = {
    "orgs.RoleAssignment": "users' grants, read on every request in every region",
}

# Carry the column, NOT NULL, but no index leads with it yet: their reads go through another
# index (the enterprise, a period, a composite) today. To be indexed before distribution.
UNINDEXED = {
    "inspections.PlanTarget": "read through its plan (unique plan, enterprise)",
    "inspections.Checklist": "read through its plan or enterprise",
    "bulletins.Bulletin": "read by region and month (unique region, month: the region's key)",
    "dashboards.HazardCountChange": "change rows folded whole every minute, never read by region",
    "dashboards.HazardMonthChange": "change rows folded whole every minute, never read by region",
    "dashboards.HazardDueChange": "change rows folded whole every minute, never read by region",
    "dashboards.RiskTallyChange": "change rows folded whole every minute, never read by region",
    "targets.Indicator": "read by year (unique year, kind, region_code)",
    "targets.ResponsibilityLetter": "few rows a year per region; read by year",
    "targets.AssessmentResult": "read through its assessment",
    "risks.MapPoint": "derived from the enterprises; the map reads a scope's rows whole",
}


def scoped_models():
    found = []
    for model in apps.get_models():
        scoped = isinstance(model._default_manager.all(), ScopedQuerySet)
        if scoped or hasattr(model, "scope_paths"):
            found.append(model)
    return found


def region_path(model) -> str:
    return model.scope_paths["region"]


def test_every_scoped_model_is_reached_by_region():
    missing = [m._meta.label for m in scoped_models() if "region" not in m.scope_paths]
    assert not missing, f"scoped models with no region path: {missing}"
    assert len(scoped_models()) > 50  # the introspection finds the kit's models


def test_the_tables_without_their_own_region_code_are_exactly_the_listed_ones():
    joined = {m._meta.label for m in scoped_models() if "__" in region_path(m)}
    assert joined - set(JOINED) == set(), "new scoped tables without a region code column"
    assert set(JOINED) - joined == set(), "listed tables that now carry their region code"


@pytest.mark.django_db
def test_every_other_scoped_table_has_a_not_null_region_code_led_index():
    problems = []
    for model in scoped_models():
        path, label = region_path(model), model._meta.label
        if "__" in path:
            continue
        column, table = model._meta.get_field(path).column, model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT is_nullable FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
                [table, column],
            )
            row = cursor.fetchone()
            constraints = connection.introspection.get_constraints(cursor, table)
        if row is None:
            problems.append(f"{label}: no column {table}.{column}")
            continue
        if row[0] != "NO":
            problems.append(f"{label}: {table}.{column} may be NULL")
        led = any(
            (c["index"] or c["unique"] or c["primary_key"])
            and (c["columns"] or [None])[0] == column
            for c in constraints.values()
        )
        if led == (label in REFERENCE or label in UNINDEXED):
            what = "is indexed" if led else "has no index led by it"
            problems.append(f"{label}: {table}.{column} {what}")
    assert not problems, "\n".join(problems)
