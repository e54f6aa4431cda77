"""Generate a valid ledger spreadsheet of N rows in the import template's format.

    .venv/bin/python bench/ledger/generate.py 100000 [bench/out/ledger-100000.xlsx]

Codes use the region of each row and serials from 500,000,000 up, so they never meet the
demo's; names, parks, grids and dates are deterministic. Needs no database.
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import uscc

from safeloop.enterprises import columns as C

COUNTIES = [("640104", "兴庆区"), ("640105", "西夏区"), ("640106", "金凤区"),
            ("640121", "永宁县"), ("640122", "贺兰县"), ("640181", "灵武市")]  # fmt: skip
PARKS = {"640105": "银川经济技术开发区", "640121": "望远工业园区", "640104": "苏银产业园",
         "640181": "灵武羊绒工业园区", "640122": "贺兰工业园区"}  # fmt: skip
CODES = ["2671", "3110", "3216", "3011", "3311", "3411", "1310", "1713", "1620", "5161"]
SCALES = ["微型", "小型", "小型", "中型", "大型"]
WORDS = "鑫恒宏瑞华金永天凯博嘉明塞贺黄长新东银宁兴汇隆中德佳盛通润正"


def bench_uscc(region: str, serial: int) -> str:
    body = f"91{region}{500_000_000 + serial:09d}"
    return body + uscc.calc_check_digit(body)


def row(i: int) -> list:
    region, county = COUNTIES[i % len(COUNTIES)]
    park = PARKS.get(region) if i % 3 else None
    start = date(2024, 1, 1) + timedelta(days=i % 700)
    values = {
        "uscc": bench_uscc(region, i),
        "name": f"宁夏{WORDS[i % 30]}{WORDS[i // 30 % 30]}{WORDS[i // 900 % 30]}工贸有限公司{i}",
        "region": county,
        "park": park,
        "address": f"银川市{county}工业路{i % 300 + 1}号",
        "longitude": round(106.1 + (i % 1000) / 4000, 6),
        "latitude": round(38.1 + (i % 997) / 2000, 6),
        "legal_representative": "王建国",
        "legal_representative_mobile": f"139{i % 100_000_000:08d}",
        "principal": "李海燕",
        "principal_mobile": f"138{i % 100_000_000:08d}",
        "safety_managers": f"张志强/137{i % 100_000_000:08d}/专职安全员",
        "industry_code": CODES[i % len(CODES)],
        "scale": SCALES[i % len(SCALES)],
        "employees": 10 + i % 500,
        "status": "正常生产",
        "dust_explosion": "是" if i % 4 == 0 else "否",
        "confined_space": "是" if i % 5 == 0 else "否",
        "standard_grade": "三级",
        "standard_expiry": start + timedelta(days=1095),
        "injury_insured": 10 + i % 500,
        "has_safety_body": "否",
    }
    if i % 3 == 0:
        values.update(
            licence_number=f"(宁)WH安许证字[2024]{i:06d}",
            licence_authority="宁夏回族自治区应急管理厅",
            licence_from=start,
            licence_to=start + timedelta(days=1095),
        )
    return [values.get(c.key) for c in C.COLUMNS]


def generate(n: int, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(C.SHEET)
    ws.append(C.HEADERS)
    for i in range(n):
        ws.append(row(i))
    wb.save(path)
    return path


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2] if len(sys.argv) > 2 else f"bench/out/ledger-{n}.xlsx")
    started = time.perf_counter()
    generate(n, out)
    print(f"wrote {n:,} rows to {out} in {time.perf_counter() - started:.1f} s")
