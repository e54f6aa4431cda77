"""Long pickers (core.widgets.SearchableSelect): each form page that picks from a city's
lists, and the searches its picker sends, timed through the whole Django stack.

    createdb bench_pick
    DATABASE_URL=…/bench_pick PYTHONPATH=src:. .venv/bin/python -m bench.dashboards.generate \
      --enterprises 100000 --risk-points 100000 --hazards 1000000
    DATABASE_URL=…/bench_pick PYTHONPATH=src:. .venv/bin/python -m bench.core.pickers [runs]

Signs in (test client, session) as the generated city administrator, opens each URL `runs`
times (default 6) and prints the median and the worst of all but the first, the number of
queries and the size of the page. Read only.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402


def urls() -> list[str]:
    account = User.objects.get(username="county_inspector").pk
    number = Hazard.objects.exclude(number="").values_list("number", flat=True).first()
    return [
        f"/accounts/{account}/",
        f"/accounts/{account}/?_pick=enterprise&_find=nx",
        "/hazards/new/",
        "/hazards/new/?_pick=enterprise&_find=宁夏",
        "/crackdown/cases/new/",
        f"/crackdown/cases/new/?_pick=hazard&_find={number}",
        "/crackdown/cases/new/?_pick=hazard&_find=有限",
        "/crackdown/cases/new/?_pick=visit&_find=有限",
        "/training/campaigns/",
        "/training/campaigns/?_pick=enterprises&_find=有限",
    ]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    settings.ALLOWED_HOSTS = ["*"]
    # The pages' static links without a collected manifest (as the tests read them).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(User.objects.get(username="city_admin"))
    print(f"{'page':<60} {'status':>6} {'queries':>7} {'KB':>6} {'p50 ms':>7} {'max ms':>7}")
    for url in urls():
        timings, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        rest = timings[1:] or timings
        print(
            f"{url:<60} {response.status_code:>6} {queries:>7} {len(response.content) // 1024:>6}"
            f" {statistics.median(rest):>7.0f} {max(rest):>7.0f}"
        )


if __name__ == "__main__":
    main()
