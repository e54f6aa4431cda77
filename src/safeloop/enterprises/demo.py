"""Demo ledger: 320 enterprises across the sectors, the six county-level units and the
parks, with deterministic names, valid USCCs, licences and special-operation workers, some
of them expiring soon. Re-running adds nothing (keys are the USCCs)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from stdnum.cn import ric, uscc

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import (
    Enterprise,
    Licence,
    SafetyManager,
    SectorRule,
    SpecialOperator,
)
from safeloop.orgs.models import GridCell, Park, Region

COUNT = 320
PLACES = {"640104": "兴庆", "640105": "西夏", "640106": "金凤", "640121": "永宁",
          "640122": "贺兰", "640181": "灵武"}  # fmt: skip
CENTRES = {
    "640104": (38.47, 106.28),
    "640105": (38.49, 106.15),
    "640106": (38.47, 106.24),
    "640121": (38.28, 106.25),
    "640122": (38.55, 106.35),
    "640181": (38.10, 106.34),
}
WORDS = [
    "鑫源",
    "恒达",
    "宏昌",
    "瑞丰",
    "华泰",
    "金鼎",
    "永盛",
    "天成",
    "凯旋",
    "博远",
    "嘉禾",
    "明珠",
    "塞上",
    "贺兰山",
    "黄河",
    "长城",
    "新华",
    "东方",
    "银川",
    "宁安",
    "兴业",
    "汇通",
    "隆基",
    "中宁",
    "德润",
    "佳美",
    "盛世",
    "通达",
    "润泽",
    "正和",
]  # noqa: SIM905
# (class code, trade words, risk features)
TRADES = [
    ("2671", "民爆器材", {"explosives_production", "major_hazard"}),
    ("3110", "钢铁", {"metal_smelting", "confined_space"}),
    ("3130", "轧钢", {"metal_smelting"}),
    ("3216", "铝业", {"metal_smelting", "dust_explosion"}),
    ("3240", "有色金属压延", {"dust_explosion"}),
    ("3011", "水泥", {"confined_space"}),
    ("3041", "玻璃", set()),
    ("3311", "钢结构", set()),
    ("3411", "锅炉设备", set()),
    ("3511", "矿山机械", set()),
    ("3670", "汽车零部件", {"dust_explosion"}),
    ("1310", "粮油加工", {"dust_explosion", "confined_space"}),
    ("1520", "乳业", {"ammonia_refrigeration"}),
    ("2231", "纸业", {"confined_space"}),
    ("2922", "塑料制品", set()),
    ("1713", "羊绒纺织", {"dust_explosion"}),
    ("1810", "服饰", set()),
    ("1620", "卷烟配套", set()),
    ("5161", "建材贸易", set()),
    ("2614", "化工", {"hazardous_chemicals", "major_hazard"}),
]
SCALES = ["micro", "small", "small", "small", "medium", "medium", "large"]
CERTIFICATES = ["electrician", "welding", "height", "refrigeration", "metallurgy_gas"]
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗"
GIVEN = ["建国", "海燕", "志强", "丽娟", "文博", "晓东", "春梅", "国庆", "玉兰", "永福"]


def demo_uscc(region_code: str, serial: int) -> str:
    body = f"91{region_code}{100000 + serial:09d}"
    return body + uscc.calc_check_digit(body)


def demo_id_number(i: int) -> str:
    body = f"640104{1970 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 digits


def _plan(i: int, counties, parks_by_county, grids):
    code = list(PLACES)[i % len(PLACES)]
    county = counties[code]
    trade_code, trade, features = TRADES[(i * 7 + i // 20) % len(TRADES)]
    word = WORDS[(i * 11 + i // len(WORDS)) % len(WORDS)]
    name = f"宁夏{PLACES[code]}{word}{trade}有限公司"
    j = i // len(PLACES)  # the enterprise's number inside its county
    parks = parks_by_county.get(code, [])
    park = parks[j % len(parks)] if parks and j % 3 else None
    cells = grids.get((code, park.pk if park else None), [None])
    grid = cells[j % len(cells)]
    lat, lng = CENTRES[code]
    status = "suspended" if i % 41 == 0 else "closed" if i % 97 == 0 else "operating"
    scale = SCALES[i % len(SCALES)]
    employees = {"micro": 8, "small": 45, "medium": 260, "large": 1200}[scale] + i % 17
    e = Enterprise(
        name=name,
        uscc=demo_uscc(code, i),
        region=county,
        park=park,
        grid=grid,
        address=f"银川市{county.name}{word}路{i % 90 + 1}号",
        latitude=Decimal(f"{lat + (i % 23 - 11) * 0.004:.6f}"),
        longitude=Decimal(f"{lng + (i % 29 - 14) * 0.004:.6f}"),
        legal_representative=SURNAMES[i % 20] + GIVEN[i % 10],
        principal=SURNAMES[(i + 3) % 20] + GIVEN[(i + 1) % 10],
        principal_mobile=f"139{i:08d}",
        industry_code=trade_code,
        scale=scale,
        employees=employees,
        status=status,
        standard_grade=["none", "third", "third", "second", "first"][i % 5],
        injury_insured=employees - i % 3,
        has_safety_body=scale in ("medium", "large"),
        safety_body_headcount=3 if scale in ("medium", "large") else 0,
        **{f: True for f in features},
    )
    return e


def _safety_managers(plans, today) -> list:
    """One safety manager each, two in medium and large enterprises; some certificates end
    within 30 days."""
    rows = []
    for i, e in plans:
        for k in range(2 if e.scale in ("medium", "large") else 1):
            rows.append(
                SafetyManager(
                    enterprise=e,
                    position=k,
                    name=SURNAMES[(i + 7 + k * 3) % 20] + GIVEN[(i + 4 + k) % 10],
                    mobile=f"138{i:07d}{k}",
                    duties="专职安全管理" if k == 0 else "兼职安全员",
                    certificate_number=demo_id_number(i * 3 + 2 - k),
                    certificate_valid_to=today + timedelta(days=(i * 23 + k * 200) % 1100 - 20),
                )
            )
    return rows


def seed_ledger() -> int:
    """Create the demo enterprises that do not exist yet; returns how many were added."""
    today = timezone.localdate()
    counties = {r.code: r for r in Region.objects.filter(code__in=PLACES)}
    parks_by_county = {}
    for park in Park.objects.order_by("name"):
        parks_by_county.setdefault(park.region_code, []).append(park)
    grids = {}
    for cell in GridCell.objects.order_by("code"):
        grids.setdefault((cell.region_code, cell.park_id), []).append(cell)
    existing = set(
        Enterprise.objects.filter(
            uscc__in=[demo_uscc(c, i) for i in range(COUNT) for c in PLACES]
        ).values_list("uscc", flat=True)
    )
    mapping = SectorRule.mapping()
    plans, seen_names = [], set()
    for i in range(COUNT):
        e = _plan(i, counties, parks_by_county, grids)
        if e.name in seen_names:
            e.name = e.name.replace("有限公司", f"{i // 100 + 2}厂有限公司")
        seen_names.add(e.name)
        if e.uscc in existing:
            continue
        if e.standard_grade != "none":
            e.standard_expiry = today + timedelta(days=20 + (i * 37) % 900)
        if e.sector in ("explosives", "metallurgy", "nonferrous"):
            e.liability_policy, e.liability_insurer = (
                f"PICC-NX-{i:06d}",
                "中国人民财产保险宁夏分公司",
            )
            e.liability_expiry = today + timedelta(days=(i * 13) % 400)
            e.deposit_amount, e.deposit_date = Decimal("500000.00"), today - timedelta(days=400)
        e.derive(mapping)
        plans.append((i, e))
    if not plans:
        return 0
    Enterprise.objects.bulk_create([e for _, e in plans])
    licences, operators = [], []
    for i, e in plans:
        if e.sector in ("explosives", "metallurgy", "nonferrous") or e.hazardous_chemicals:
            licences.append(
                Licence(
                    enterprise=e,
                    number=f"(宁)WH安许证字[{2023 + i % 3}]{i:04d}",
                    authority="宁夏回族自治区应急管理厅",
                    valid_from=today - timedelta(days=900),
                    # every fourth one ends within 60 days: the expiring-licence filter has work
                    valid_to=today + timedelta(days=10 + i % 50 if i % 4 == 0 else 200 + i % 700),
                )
            )
        for k in range(i % 3):
            operators.append(
                SpecialOperator(
                    enterprise=e,
                    name=SURNAMES[(i + k * 5) % 20] + GIVEN[(i + k) % 10],
                    id_number=demo_id_number(i * 3 + k),
                    certificate_type=CERTIFICATES[(i + k) % len(CERTIFICATES)],
                    certificate_number=f"T{e.region_code}{i:05d}{k}",
                    valid_to=today + timedelta(days=(i * 17 + k * 90) % 1200 - 30),
                )
            )
    Licence.objects.bulk_create(licences)
    SpecialOperator.objects.bulk_create(operators)
    SafetyManager.objects.bulk_create(_safety_managers(plans, today))
    kind = ContentType.objects.get_for_model(Enterprise)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_label="system",
            action="enterprises.enterprise.create",
            content_type=kind,
            object_id=str(e.pk),
            object_repr=e.name,
            region_code=e.region_code,
            changes={"name": [None, e.name], "uscc": [None, e.uscc]},
            request_id="seed-demo",
        )
        for _, e in plans
    )
    return len(plans)
