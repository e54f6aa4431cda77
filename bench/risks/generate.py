"""Generate N enterprises spread over Yinchuan's six counties with coordinates, sectors and
risk profiles, for the four-colour map benchmark. Generated rows carry the USCC prefix "9Y"
(not a valid organisation type, so never a real or demo enterprise); `--clean` removes them.

    DATABASE_URL=… .venv/bin/python bench/risks/generate.py 100000
"""

import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from safeloop.enterprises.choices import Sector  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.orgs.models import Region, RegionLevel  # noqa: E402
from safeloop.risks.models import EnterpriseRiskProfile  # noqa: E402

MARK = "9Y"  # registration authority 9 + type Y: never issued to our demo or test rows
COUNTIES = {  # code: (name, centre lat, centre lng)
    "640104": ("兴庆区", 38.47, 106.29),
    "640105": ("西夏区", 38.49, 106.13),
    "640106": ("金凤区", 38.47, 106.24),
    "640121": ("永宁县", 38.28, 106.25),
    "640122": ("贺兰县", 38.55, 106.35),
    "640181": ("灵武市", 38.10, 106.34),
}
LEVELS = ["red", "orange", "yellow", "blue", ""]
WEIGHTS = [2, 8, 30, 50, 10]


def counties():
    city, _ = Region.objects.get_or_create(
        code="640100", defaults={"name": "银川市", "level": RegionLevel.CITY}
    )
    out = {}
    for code, (name, _lat, _lng) in COUNTIES.items():
        out[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": RegionLevel.COUNTY, "parent": city}
        )
    return out


def clean():
    with transaction.atomic():
        ids = Enterprise.all_objects.filter(uscc__startswith=MARK).values("pk")
        EnterpriseRiskProfile.objects.filter(enterprise__in=ids).delete()
        return Enterprise.all_objects.filter(uscc__startswith=MARK)._raw_delete("default")


def generate(n: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    regions = counties()
    sectors = [c for c, _ in Sector.choices]
    start = time.perf_counter()
    clean()
    batch = 10_000
    for offset in range(0, n, batch):
        rows = []
        for i in range(offset, min(n, offset + batch)):
            code = rng.choice(list(COUNTIES))
            _name, lat, lng = COUNTIES[code]
            rows.append(
                Enterprise(
                    name=f"基准企业{i:06d}",
                    uscc=f"{MARK}{code}{i:010d}",
                    region=regions[code],
                    region_code=code,
                    sector=rng.choice(sectors),
                    latitude=round(lat + rng.gauss(0, 0.05), 6),
                    longitude=round(lng + rng.gauss(0, 0.05), 6),
                )
            )
        with transaction.atomic():
            made = Enterprise.objects.bulk_create(rows)
            EnterpriseRiskProfile.objects.bulk_create(
                EnterpriseRiskProfile(
                    enterprise=e,
                    level=(level := rng.choices(LEVELS, WEIGHTS)[0]),
                    red=int(level == "red"),
                    orange=rng.randint(0, 3),
                    yellow=rng.randint(0, 6),
                    blue=rng.randint(0, 10),
                    major_hazard=rng.random() < 0.02,
                )
                for e in made
            )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
        cursor.execute("ANALYZE enterprises_enterprise")
        cursor.execute("ANALYZE risks_enterpriseriskprofile")
    print(f"generated {n} enterprises in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    if sys.argv[1:] == ["--clean"]:
        print(f"removed {clean()} benchmark enterprises")
    else:
        generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
