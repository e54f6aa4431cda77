"""Demo data: Yinchuan's real administrative codes and parks, grid cells, departments, a few
enterprises, and one account per role. Re-running changes nothing (keys are natural)."""

from django.db import transaction
from stdnum.cn import uscc

from safeloop.accidents.demo import seed as seed_accidents
from safeloop.alerts.demo import seed as seed_warnings
from safeloop.bulletins.demo import seed as seed_bulletins
from safeloop.core.context import acting_as
from safeloop.crackdown.demo import seed as seed_crackdown
from safeloop.credit.demo import seed as seed_credit
from safeloop.duties.demo import seed as seed_duties
from safeloop.emergency.demo import seed as seed_emergency
from safeloop.enforcement.demo import seed as seed_enforcement
from safeloop.enterprises.demo import seed_ledger
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.demo import seed_hazards
from safeloop.inspections.demo import seed as seed_inspections
from safeloop.investment.demo import seed as seed_investment
from safeloop.orgs.demo import seed as seed_account_history
from safeloop.orgs.models import (
    Department,
    DepartmentKind,
    GridCell,
    Park,
    ParkLevel,
    Region,
    RegionLevel,
    RoleAssignment,
    User,
)
from safeloop.orgs.roles import Role
from safeloop.parkrisk.demo import seed as seed_parkrisk
from safeloop.prediction.demo import seed as seed_prediction
from safeloop.public.demo import seed as seed_public
from safeloop.public.demo import seed_articles
from safeloop.risks.demo import seed as seed_risks
from safeloop.selfchecks.demo import seed as seed_selfchecks
from safeloop.sourcecontrol.demo import seed as seed_sourcecontrol
from safeloop.targets.demo import seed as seed_targets
from safeloop.training.demo import seed as seed_training

DEMO_PASSWORD = "Demo#2026safe"

CITY = ("640100", "银川市")
COUNTIES = [
    ("640104", "兴庆区"),
    ("640105", "西夏区"),
    ("640106", "金凤区"),
    ("640121", "永宁县"),
    ("640122", "贺兰县"),
    ("640181", "灵武市"),
]
# (name, county code, level, verified) — REFERENCE.md §2
PARKS = [
    ("银川经济技术开发区", "640105", ParkLevel.NATIONAL, True),
    ("望远工业园区", "640121", ParkLevel.PROVINCIAL, True),
    ("苏银产业园", "640104", ParkLevel.PROVINCIAL, True),
    ("灵武羊绒工业园区", "640181", ParkLevel.PROVINCIAL, True),
    ("贺兰工业园区", "640122", ParkLevel.PROVINCIAL, False),
    ("银川高新技术产业开发区", "640181", ParkLevel.PROVINCIAL, False),
]

# username, role, unit kind, unit key, full name
ACCOUNTS = [
    ("sysadmin", Role.SYSTEM_ADMIN, None, None, "系统管理员"),
    ("city_admin", Role.CITY_ADMIN, "region", "640100", "市局管理员"),
    ("city_inspector", Role.CITY_INSPECTOR, "region", "640100", "市局检查员"),
    ("county_admin", Role.COUNTY_ADMIN, "region", "640104", "兴庆区管理员"),
    ("county_inspector", Role.COUNTY_INSPECTOR, "region", "640104", "兴庆区检查员"),
    ("park_officer", Role.PARK_OFFICER, "park", "银川经济技术开发区", "开发区安全办"),
    ("grid_inspector", Role.GRID_INSPECTOR, "grid", "640105-G01", "西夏区网格员"),
    ("principal", Role.ENTERPRISE_PRINCIPAL, "enterprise", 0, "企业主要负责人"),
    ("safety_manager", Role.SAFETY_MANAGER, "enterprise", 0, "企业安全管理员"),
    ("expert", Role.EXPERT, "enterprise", 1, "第三方专家"),
]


def make_uscc(serial: int, region_code: str) -> str:
    """A valid demo USCC: 91 (enterprise, company) + region + a 9-digit identifier + check."""
    body = f"91{region_code}{serial:08d}X"
    body = body[:16] + str(serial % 10)
    return body + uscc.calc_check_digit(body)


def seed_orgs() -> None:
    city, _ = Region.objects.update_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": RegionLevel.CITY}
    )
    for code, name in COUNTIES:
        county, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": RegionLevel.COUNTY, "parent": city}
        )
        Department.objects.update_or_create(
            name=f"{name}工业和信息化局",
            defaults={"kind": DepartmentKind.COUNTY_DEPARTMENT, "region": county},
        )
        for n in (1, 2):
            GridCell.objects.update_or_create(
                code=f"{code}-G{n:02d}", defaults={"name": f"{name}第{n}网格", "region": county}
            )
    Department.objects.update_or_create(
        name="银川市工业和信息化局", defaults={"kind": DepartmentKind.CITY_BUREAU, "region": city}
    )
    for name, county_code, level, verified in PARKS:
        county = Region.objects.get(code=county_code)
        park, _ = Park.objects.update_or_create(
            name=name, defaults={"region": county, "level": level, "verified": verified}
        )
        Department.objects.update_or_create(
            name=f"{name}安全生产办公室",
            defaults={"kind": DepartmentKind.PARK_OFFICE, "region": county, "park": park},
        )
        GridCell.objects.update_or_create(
            code=f"{county_code}-P{park.pk:02d}",
            defaults={"name": f"{name}网格", "region": county, "park": park},
        )


def seed_enterprises() -> list[Enterprise]:
    """A few enterprises so that enterprise roles have a home; the ledger adds more."""
    rows = [
        ("宁夏示范冶金有限公司", "640105", "银川经济技术开发区"),
        ("银川示范机械制造有限公司", "640104", None),
    ]
    enterprises = []
    for serial, (name, county_code, park_name) in enumerate(rows, start=1):
        county = Region.objects.get(code=county_code)
        park = Park.objects.get(name=park_name) if park_name else None
        grid = GridCell.objects.filter(region=county, park=park).order_by("code").first()
        enterprise, _ = Enterprise.objects.update_or_create(
            uscc=make_uscc(serial, county_code),
            defaults={"name": name, "region": county, "park": park, "grid": grid},
        )
        enterprises.append(enterprise)
    return enterprises


def seed_accounts(enterprises: list[Enterprise]) -> None:
    for username, role, unit_kind, key, full_name in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
            user.save()
        unit = {}
        if unit_kind == "region":
            unit["region"] = Region.objects.get(code=key)
        elif unit_kind == "park":
            unit["park"] = Park.objects.get(name=key)
        elif unit_kind == "grid":
            unit["grid"] = GridCell.objects.get(code=key)
        elif unit_kind == "enterprise":
            unit["enterprise"] = enterprises[key]
        RoleAssignment.objects.get_or_create(user=user, role=role, **unit)


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, unit) for printing."""
    rows = []
    for a in (
        RoleAssignment.objects.filter(user__username__in=[x[0] for x in ACCOUNTS])
        .select_related("user", "region", "park", "grid", "enterprise")
        .order_by("id")
    ):
        rows.append((a.user.username, str(a.get_role_display()), str(a.unit or "")))
    return rows


@transaction.atomic
def seed(*, bulletins: bool = False) -> None:
    """Load the demo data (idempotent). `bulletins` also issues the last two months'
    bulletins with their PDFs (the demo command does; tests that only need the records skip
    the seconds it takes)."""
    with acting_as(None, request_id="seed-demo"):
        seed_orgs()
        seed_accounts(seed_enterprises())
        seed_risks()
        seed_ledger()
        seed_hazards()
        seed_accidents()
        seed_selfchecks()
        seed_inspections()
        seed_emergency()
        seed_public()
        seed_training()
        seed_articles()  # after the accidents and campaigns it links
        seed_account_history(DEMO_PASSWORD)
        seed_investment()
        seed_sourcecontrol()
        seed_parkrisk()
        seed_duties()
        seed_crackdown()
        seed_enforcement()
        seed_targets()
        seed_credit()
        seed_prediction()  # history with its planted signal, then the models
        seed_warnings()  # last of the records: the rules read every app's (stock, plans …)
        if bulletins:
            seed_bulletins()  # last: the month's figures read everything above
