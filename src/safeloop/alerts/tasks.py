"""The periodic evaluation of the early-warning rules; the key units list kept
(alerts.keyunits)."""

from procrastinate.contrib.django import app

from safeloop.alerts import keyunits
from safeloop.alerts.evaluation import evaluate_all
from safeloop.core.context import acting_as
from safeloop.core.stalled import retry_safe


@app.periodic(cron="37 1 * * *")
@app.task(name="alerts.evaluate_rules", queue="alerts")
def evaluate_rules(timestamp: int) -> list[dict]:
    with acting_as(None):
        return evaluate_all()


@retry_safe  # it stores what the records say: running it again is harmless
@app.task(name="alerts.refresh_key_unit", queue="alerts")
def refresh_key_unit(enterprise_id: int) -> dict[str, int]:
    """One enterprise's place on the key units list, after a change to its records."""
    with acting_as(None):
        return keyunits.refresh(enterprise_ids=[enterprise_id])


@app.periodic(cron="3 * * * *")  # hourly: the reasons that follow the date
@retry_safe
@app.task(name="alerts.refresh_key_units", queue="alerts")
def refresh_key_units(timestamp: int | None = None) -> dict[str, int]:
    """The whole key units list checked against the records."""
    with acting_as(None):
        return keyunits.refresh()
