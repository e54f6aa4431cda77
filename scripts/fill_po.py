"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Used when adding translations in bulk: `python scripts/fill_po.py app.po translations.json`.
Prints the msgids still untranslated.
"""

import json
import re
import sys


def unquote(lines):
    return "".join(json.loads(line) for line in lines)


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def fill(po_path, table):
    with open(po_path, encoding="utf-8") as f:
        text = f.read()
    blocks = text.split("\n\n")
    missing = []
    out = []
    for block in blocks:
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not m or "msgid_plural" in block:
            out.append(block)
            continue
        msgid = unquote(re.findall(r'".*"', m.group(1)))
        msgstr = unquote(re.findall(r'".*"', m.group(2)))
        if msgid and not msgstr:
            if msgid in table:
                start = block.index("msgstr ")
                block = block[:start] + "msgstr " + quote(table[msgid])
                block = block.replace("#, fuzzy\n", "")
            else:
                missing.append(msgid)
        out.append(block)
    text = "\n\n".join(out)
    # Keep the header apart from the first entry (a header fused to it hides that entry).
    text = re.sub(r'("Plural-Forms: [^"]*")\n(#)', r"\1\n\n\2", text, count=1)
    with open(po_path, "w", encoding="utf-8") as f:
        f.write(text)
    return missing


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as f:
        table = json.load(f)
    for msgid in fill(sys.argv[1], table):
        print("untranslated:", msgid)
