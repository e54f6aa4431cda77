"""The fold job: compacts the tallies' change rows into their summaries.

Reads are exact without it (they add the unfolded changes); the fold only keeps those reads
small. Run every minute, the change tables hold at most a minute of writes.
"""

from procrastinate.contrib.django import app

from safeloop.dashboards import tallies


@app.periodic(cron="* * * * *")
@app.task(name="dashboards.fold_tallies", queue="dashboards")
def fold_tallies(timestamp: int) -> dict:
    return tallies.fold()
