from django.core.management.base import BaseCommand

from safeloop.hazards.workflow import HAZARD_WORKFLOW

BEGIN, END = "<!-- transition-table:begin -->", "<!-- transition-table:end -->"


def table_markdown() -> str:
    lines = ["| state | move | next state | who may move |", "|---|---|---|---|"]
    for state, move, target, actors in HAZARD_WORKFLOW.rows():
        lines.append(f"| {state} | {move} | {target} | {', '.join(actors)} |")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Write the hidden-danger transition table into docs/hazards.md (between markers)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="docs/hazards.md")

    def handle(self, *args, path, **options):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{head}{BEGIN}\n{table_markdown()}\n{END}{tail}")
        self.stdout.write(f"wrote the transition table into {path}")
