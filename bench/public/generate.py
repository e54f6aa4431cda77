"""Build the tracking benchmark's dataset: N public reports (1,000,000 by default) in the
demo's counties, with tracking codes B0000001, B0000002… (hex after the B) whose hashes are
stored as the app stores them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.public.generate --reports 1000000

Bench reports are those whose description starts with 基准; earlier ones are removed first.
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from safeloop.demo.seed import seed  # noqa: E402
from safeloop.orgs.models import Region  # noqa: E402

BATCH = 100_000


def code(i: int) -> str:
    """The tracking code of bench report i (as run.py asks for it)."""
    return f"B{i:07X}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args()
    seed()
    codes = list(Region.objects.filter(level="county").values_list("code", flat=True))
    array = "ARRAY[" + ",".join(f"'{c}'" for c in codes) + "]"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM public_publicreportevent WHERE report_id IN "
            "(SELECT id FROM public_publicreport WHERE description LIKE '基准%%')"
        )
        cursor.execute("DELETE FROM public_publicreport WHERE description LIKE '基准%%'")
        for low in range(1, args.reports + 1, BATCH):
            high = min(low + BATCH - 1, args.reports)
            cursor.execute(
                f"""
                INSERT INTO public_publicreport
                  (version, code_hash, state, description, site_name, address, region_code,
                   routed_by, contact, public_reply, reporter_feedback, created_at)
                SELECT 1,
                  encode(sha256(convert_to('B' || lpad(upper(to_hex(g)), 7, '0'), 'UTF8')),
                         'hex'),
                  (ARRAY['received','accepted','rejected','duplicate'])[1 + g %% 4],
                  '基准举报 ' || g, '', '某路' || g %% 1000 || '号',
                  ({array})[1 + g %% {len(codes)}],
                  'county', '', '', '', now() - (g %% 100000) * interval '1 minute'
                FROM generate_series(%s, %s) AS g
                """,
                [low, high],
            )
        cursor.execute("ANALYZE public_publicreport")
    print(f"{args.reports} reports in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
