"""The periodic evaluation of the early-warning rules."""

from procrastinate.contrib.django import app

from safeloop.alerts.evaluation import evaluate_all
from safeloop.core.context import acting_as


@app.periodic(cron="37 1 * * *")
@app.task(name="alerts.evaluate_rules", queue="alerts")
def evaluate_rules(timestamp: int) -> list[dict]:
    with acting_as(None):
        return evaluate_all()
