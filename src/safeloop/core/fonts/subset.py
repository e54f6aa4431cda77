"""Rebuild NotoSansSC-GB2312.otf: Noto Sans CJK SC Regular (SIL OFL 1.1) cut down to the
characters of GB 2312, ASCII and common punctuation, so that PDFs can embed a Chinese font
that every machine has, at a size a package can carry. The same cut, as WOFF, is the web font
of the pages (web/static/web/fonts/), for terminals without a CJK font.

    python src/safeloop/core/fonts/subset.py [path/to/NotoSansCJK-Regular.ttc]

The source is Debian's fonts-noto-cjk (1:20220127+repack1-1, Noto Sans CJK 2.004), face 2 (SC).
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).parent
OUT = HERE / "NotoSansSC-GB2312.otf"
WEB = HERE.parent.parent / "web" / "static" / "web" / "fonts" / "NotoSansSC-GB2312.woff"
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "SafeLoop Noto Sans SC GB2312"


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([high, low]).decode("gb2312"))
    return chars


def characters() -> str:
    chars = gb2312() | {chr(c) for c in range(0x20, 0x7F)}
    chars |= set("，。、；：？！“”‘’（）《》〈〉【】—…·－～℃±×÷≤≥≠≈∑Σαβ²³‰№°→←↑↓①②③④⑤⑥⑦⑧⑨⑩　")
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    return "".join(sorted(chars))


def build(source: str = SOURCE) -> Path:
    font = TTCollection(source).fonts[2]  # Noto Sans CJK SC
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    # A modified version under the OFL gets its own name (no Reserved Font Name is used).
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "")
    font.save(OUT)
    font.flavor = "woff"
    font.save(WEB)
    return OUT


if __name__ == "__main__":
    path = build(*sys.argv[1:])
    print(path, path.stat().st_size, "bytes")
