"""The nightly search for lapsed safety licences: each one without a cancellation under way
is proposed for 注销 (as the system; a repeated run proposes nothing more)."""

from procrastinate.contrib.django import app

from safeloop.core.context import acting_as
from safeloop.sourcecontrol.orders import scan_lapsed


@app.periodic(cron="27 2 * * *")
@app.task(name="sourcecontrol.scan_lapsed", queue="alerts")
def scan_lapsed_licences(timestamp: int) -> int:
    with acting_as(None):
        return scan_lapsed()
