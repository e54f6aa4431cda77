from django.core.management.base import BaseCommand, CommandError

from safeloop.core import audit

SHOWN = 100  # problems listed; the count says how many there are


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain: report every edited entry, missing position and "
        "broken link, the first bad position first; exit status 1 when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal", action="store_true", help="Seal the entries not sealed yet before checking."
        )

    def handle(self, *args, seal=False, **options):
        if seal:
            self.stdout.write(f"sealed {audit.seal()} audit entries")
        result = audit.verify()
        anchor_seq, anchor_hash = result.anchor
        if anchor_seq:
            self.stdout.write(f"pruned up to position {anchor_seq} (hash {anchor_hash})")
        self.stdout.write(
            f"checked {result.checked} entries, positions {result.first}–{result.last}; "
            f"head {result.head[0]} {result.head[1]}; {result.unsealed} not sealed yet"
        )
        if result.ok:
            self.stdout.write("audit chain intact")
            return
        for position, what in result.problems[:SHOWN]:
            self.stdout.write(f"position {position}: {what}")
        if len(result.problems) > SHOWN:
            self.stdout.write(f"… and {len(result.problems) - SHOWN} more")
        raise CommandError(
            f"audit chain broken: {len(result.problems)} problem(s), "
            f"first at position {result.problems[0][0]}"
        )
