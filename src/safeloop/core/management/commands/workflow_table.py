"""Print a registered lifecycle's transition table, or write it into the docs."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeloop.core.workflow import REGISTRY

DOCS = Path(__file__).resolve().parents[5] / "docs"


def doc_blocks() -> dict[str, Path]:
    """workflow name → the doc file that carries its rendered table."""
    found = {}
    for path in sorted(DOCS.glob("*.md")):
        for name in re.findall(r"<!-- workflow:([\w-]+) -->", path.read_text()):
            found[name] = path
    return found


def replace_block(text: str, name: str, table: str) -> str:
    pattern = re.compile(
        rf"<!-- workflow:{re.escape(name)} -->.*?<!-- /workflow:{re.escape(name)} -->", re.S
    )
    return pattern.sub(lambda _m: table, text)


class Command(BaseCommand):
    help = "Print the transition table of the named lifecycles (all without a name)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="workflow names; none: every one")
        parser.add_argument(
            "--write", action="store_true", help="update the tables the docs already carry"
        )

    def handle(self, *args, names=(), write=False, **options):
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise CommandError(
                f"no such workflow: {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}"
            )
        chosen = names or sorted(REGISTRY)
        if not write:
            for name in chosen:
                self.stdout.write(REGISTRY[name].render() + "\n")
            return
        blocks = doc_blocks()
        for name in chosen:
            if name not in blocks:
                self.stderr.write(f"{name}: no doc carries <!-- workflow:{name} --> yet")
                continue
            path = blocks[name]
            path.write_text(replace_block(path.read_text(), name, REGISTRY[name].render()))
            self.stdout.write(f"{name}: {path.name}")
