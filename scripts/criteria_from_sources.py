"""Build src/safeloop/inspections/data/criteria.json from the tagged regulation texts.

    python scripts/criteria_from_sources.py SOURCES_DIR \
        > src/safeloop/inspections/data/criteria.json

Each line of the sources carries a confidence tag: [V…] verbatim and [N…] verbatim with an
inferred number become verified items; [R] becomes an unverified item; [?] ranges become
placeholders (unverified, empty wording) for an administrator to fill in.
"""

import json
import re
import sys
from pathlib import Path

NUMERALS = "一二三四五六七八九十"
ARTICLE_AREA = {
    "第三条": "management",
    "第四条": "metallurgy",
    "第五条": "nonferrous",
    "第六条": "building_materials",
    "第七条": "machinery",
    "第八条": "light_industry",
    "第九条": "textiles",
    "第十条": "tobacco",
    "第十一条": "dust_explosion",
    "第十二条": "ammonia_refrigeration",
    "第十三条": "confined_space",
}


def numeral(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMERALS.index(text[1]) + 1
    return NUMERALS.index(text) + 1


def gm10(path: Path) -> list[dict]:
    items, article, article_tag = [], None, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        head = re.match(r"^(第[一二三四五六七八九十]+条) (\[[^\]]*\])", line)
        if head:
            article = head.group(1) if head.group(1) in ARTICLE_AREA else None
            article_tag = head.group(2)
            continue
        if article is None:
            continue
        missing = re.match(
            r"^（([一二三四五六七八九十]+)）–（([一二三四五六七八九十]+)）\[\?\]", line
        )
        if missing:
            for n in range(numeral(missing.group(1)), numeral(missing.group(2)) + 1):
                items.append(
                    {
                        "article": article,
                        "item": n,
                        "area": ARTICLE_AREA[article],
                        "text": "",
                        "verified": False,
                        "source_note": "[?] 未找到条文，待管理员补录",
                    }
                )
            continue
        m = re.match(r"^（([一二三四五六七八九十]+)）((?:\[[^\]]*\] ?)*)(.*)$", line)
        if not m:
            continue
        tags, text = m.group(2).strip() or article_tag, m.group(3).strip()
        # A truncated verbatim start quoted in the tag ([V-trunc:S4 "…"]) begins the text.
        start = re.search(r'\[V-trunc:\S+ "([^"…]+)"\]', tags)
        if start and not text.startswith(start.group(1)[:2]):
            text = start.group(1) + text
        text = re.sub(r"\[R:([^\]]*)\]", r"\1", text)
        verified = tags.startswith("[V") or tags.startswith("[N")
        if "[R]" in tags:
            verified = False
        items.append(
            {
                "article": article,
                "item": numeral(m.group(1)),
                "area": ARTICLE_AREA[article],
                "text": text,
                "verified": verified,
                "source_note": tags,
            }
        )
    return items


AREA_2017 = {
    "存在粉尘爆炸危险的行业领域": "dust_explosion",
    "使用液氨制冷的行业领域": "ammonia_refrigeration",
    "有限空间作业相关的行业领域": "confined_space",
    "冶金行业": "metallurgy",
    "有色行业": "nonferrous",
    "建材行业": "building_materials",
    "机械行业": "machinery",
    "轻工行业": "light_industry",
    "纺织行业": "textiles",
    "烟草行业": "tobacco",
    "商贸行业": "commerce",
}


def gm2017(path: Path) -> list[dict]:
    items, part, section = [], "", None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("一、"):
            part = "一"
        elif line.startswith("二、"):
            part = "二"
        head = re.match(r"^（([一二三四五六七八九十]+)）(.+?)。$", line)
        if head and head.group(2) in AREA_2017:
            section = (f"{part}（{head.group(1)}）", AREA_2017[head.group(2)])
            continue
        m = re.match(r"^(\d+)\. (.+)$", line)
        if m and section:
            items.append(
                {
                    "article": section[0],
                    "item": int(m.group(1)),
                    "area": section[1],
                    "text": m.group(2).strip(),
                    "verified": True,
                    "source_note": "gm-2017.txt: verbatim from a public checklist",
                }
            )
    return items


MB2024 = [
    "安全生产许可证等相关许可证照缺失或者过期的",
    "未设置安全生产管理机构或者未配备专职安全生产管理人员的",
    "主要负责人、安全生产管理人员未在任职后6个月内经考核合格，或者特种作业人员未取得相应资格上岗作业的",
    "超许可能力（数量、品种、时间、储存量、定员）组织生产经营的",
    "防护、控制装置（隔爆、自动控制、联锁等）失效或者无效的",
]


def main(sources: Path) -> None:
    data = {
        "standards": [
            {
                "code": "GM10-2023",
                "title": "工贸企业重大事故隐患判定标准",
                "document": "应急管理部令第10号",
                "effective_from": "2023-05-15",
                "retired_on": None,
                "source": "REFERENCE.md §10; sources/gm10-2023.txt",
                "items": gm10(sources / "gm10-2023.txt"),
            },
            {
                "code": "GM-2017",
                "title": "工贸行业重大生产安全事故隐患判定标准（2017版）",
                "document": "安监总管四〔2017〕129号",
                "effective_from": "2017-11-30",
                "retired_on": "2023-05-15",
                "source": "sources/gm-2017.txt",
                "items": gm2017(sources / "gm-2017.txt"),
            },
            {
                "code": "MB-2024",
                "title": "民用爆炸物品行业重大事故隐患判定标准",
                "document": "工信部安全〔2024〕234号",
                "effective_from": "2024-01-01",
                "retired_on": None,
                "source": "REFERENCE.md §10 (items 1–5 confirmed; wording paraphrased)",
                "items": [
                    {
                        "article": "",
                        "item": n,
                        "area": "explosives",
                        "text": text,
                        "verified": False,
                        "source_note": "内容已确认，措辞为摘要，待核对原文",
                    }
                    for n, text in enumerate(MB2024, start=1)
                ],
            },
        ]
    }
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
