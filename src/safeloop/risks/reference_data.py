"""Loads data/reference.json (the rule tables with their sources) into the database.

Used by a data migration with the historical models; re-running updates rows by their
natural keys and never touches assessments, which keep their own thresholds snapshot.
"""

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "reference.json"


def read() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load(apps) -> None:
    get = lambda name: apps.get_model("risks", name)  # noqa: E731
    data = read()
    for cs in data["code_sets"]:
        types = cs.pop("types")
        code_set, _ = get("AccidentTypeCodeSet").objects.update_or_create(
            code=cs.pop("code"), defaults=cs
        )
        for position, row in enumerate(types, start=1):
            get("AccidentType").objects.update_or_create(
                code_set=code_set,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "position": position,
                    "source": code_set.source,
                    "confidence": code_set.confidence,
                },
            )
    for row in data["lec_values"]:
        get("LecValue").objects.update_or_create(
            factor=row.pop("factor"), value=row.pop("value"), defaults=row
        )
    for row in data["ls_values"]:
        get("LsValue").objects.update_or_create(
            factor=row.pop("factor"), value=row.pop("value"), defaults=row
        )
    scheme = get("GradingScheme")
    has_active = scheme.objects.filter(is_active=True).exists()
    for row in data["schemes"]:
        code = row.pop("code")
        if has_active or scheme.objects.filter(code=code).exists():
            row.pop("is_active")  # the deployment's choice stands
        scheme.objects.update_or_create(code=code, defaults=row)
    for row in data["categories"]:
        get("HazardCategory").objects.update_or_create(code=row.pop("code"), defaults=row)
    categories = {c.code: c for c in get("HazardCategory").objects.all()}
    for row in data["substances"]:
        row["category"] = categories[row["category"]] if row["category"] else None
        get("HazardousSubstance").objects.update_or_create(name=row.pop("name"), defaults=row)
    for row in data["alpha_bands"]:
        get("AlphaBand").objects.update_or_create(min_people=row.pop("min_people"), defaults=row)
    for row in data["grade_bands"]:
        get("HazardGradeBand").objects.update_or_create(grade=row.pop("grade"), defaults=row)
