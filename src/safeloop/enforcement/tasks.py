"""The daily job: evaluate the accountability triggers in force (see triggers.py). Repeating
a run raises nothing new."""

from procrastinate.contrib.django import app

from safeloop.core.context import acting_as
from safeloop.enforcement.services import evaluate_triggers


@app.periodic(cron="37 1 * * *")
@app.task(name="enforcement.daily_triggers", queue="enforcement")
def daily_triggers(timestamp: int) -> dict:
    with acting_as(None):
        return evaluate_triggers()
