"""The periodic evaluation of the early-warning rules; the key units list's refreshes are
alerts.keyunits' own jobs, imported here with the app's others."""

from procrastinate.contrib.django import app

from safeloop.alerts.evaluation import evaluate_all
from safeloop.alerts.keyunits import refresh_key_unit, refresh_key_units  # noqa: F401
from safeloop.core.context import acting_as


@app.periodic(cron="37 1 * * *")
@app.task(name="alerts.evaluate_rules", queue="alerts")
def evaluate_rules(timestamp: int) -> list[dict]:
    with acting_as(None):
        return evaluate_all()
