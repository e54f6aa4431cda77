"""Run the load test: the app served as in production, then headless locust at each number of
users, and a table of p50, p95, requests/s and error rate per request type.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_10m PYTHONPATH=src:. \
      .venv/bin/python -m bench.load.run --users 50 200 --time 3m

On a database built by bench.dashboards.generate: the load accounts and today's self-check
tasks are made first (bench.load.prepare), the static files collected, then `safeloop serve`
(gunicorn, `--workers` sync processes, DEBUG off) and one `safeloop worker` start, each in its
own process group, and stay up for every run. Each run is `locust --headless -u N -r R -t T
--csv …` with bench/load/locustfile.py; its CSV files and the servers' logs stay in `--out`.
Server errors (a traceback in the web log) are counted after each run.
"""

import argparse
import contextlib
import csv
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def say(text: str = "") -> None:
    print(text, flush=True)


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _serving(port: int) -> bool:
    """One request at a time, waited for: a request given up on would still queue at a
    worker that is busy booting."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/login/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def _wait_serving(port: int, process: subprocess.Popen, workers: int, timeout: float = 300):
    """Until the login page answers, then as many more times as there are workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _serving(port):
            for _ in range(workers):
                _serving(port)
            return
        time.sleep(1)
    raise RuntimeError(f"the web server on port {port} did not start; see its log")


def _server_errors(log: Path) -> int:
    """Tracebacks Django logged (a 500 each), read from the web log."""
    if not log.exists():
        return 0
    return log.read_text(errors="replace").count("Traceback (most recent call last)")


def read_stats(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def table(rows: list[dict]) -> list[str]:
    """A markdown table: one line per request type, the aggregate last."""
    lines = [
        "| request | requests | failures | error rate | p50 ms | p95 ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        count, failures = int(row["Request Count"]), int(row["Failure Count"])
        name = row["Name"] if row["Type"] else "**all**"
        kind = f"{row['Type']} " if row["Type"] else ""
        rate = 100 * failures / count if count else 0
        lines.append(
            f"| {kind}{name} | {count} | {failures} | {rate:.2f} % | {row['50%']} | "
            f"{row['95%']} | {float(row['Requests/s']):.2f} |"
        )
    return lines


def load(
    *,
    users: list[int],
    spawn_rate: float,
    duration: str,
    port: int,
    workers: int,
    out: Path,
    prepare: list[str] | None = None,
    say=say,
) -> dict[int, dict]:
    """Serve, then one locust run per number of users; per run: its stats rows, failures,
    locust's own exceptions and the server errors the web log shows."""
    out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SAFELOOP_DEBUG": "false",
        "SAFELOOP_STATIC_ROOT": str(out / "static"),
        "SAFELOOP_MEDIA_ROOT": str(out / "media"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    python = sys.executable
    say(f"# Load test on {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}; files in {out}")
    subprocess.run(  # noqa: S603
        [python, "-m", "safeloop.cli", "manage", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    web_log = out / "web.log"
    serve = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    web = _start([python, "-m", "safeloop.cli", *serve], env, web_log)
    worker = _start([python, "-m", "safeloop.cli", "worker"], env, out / "worker.log")
    host = f"http://127.0.0.1:{port}"
    results = {}
    try:
        _wait_serving(port, web, workers)
        say(f"serving at {host}: gunicorn with {workers} sync workers, one worker, DEBUG off")
        for count in users:
            say(f"\n## {count} users (spawn {spawn_rate:g}/s, {duration})")
            subprocess.run(  # noqa: S603
                [python, "-m", "bench.load.prepare", *(prepare or [])], env=env, check=True
            )
            errors_before = _server_errors(web_log)
            prefix = out / f"u{count}"
            started = time.monotonic()
            command = ["locust", "-f", str(HERE / "locustfile.py"), "--headless"]
            command += ["-u", str(count), "-r", f"{spawn_rate:g}", "-t", duration]
            command += ["--host", host, "--csv", str(prefix), "--only-summary"]
            command += ["--loglevel", "WARNING"]
            say("$ " + " ".join(command))
            with open(out / f"u{count}-locust.log", "wb") as log:
                subprocess.run(  # noqa: S603
                    [python, "-m", *command], env=env, stdout=log, stderr=subprocess.STDOUT
                )
            say(f"(ran {time.monotonic() - started:.0f} s)")
            run = {
                "stats": read_stats(Path(f"{prefix}_stats.csv")),
                "failures": read_stats(Path(f"{prefix}_failures.csv")),
                "exceptions": read_stats(Path(f"{prefix}_exceptions.csv")),
                "server_errors": _server_errors(web_log) - errors_before,
            }
            results[count] = run
            for line in table(run["stats"]):
                say(line)
            for row in sorted(run["failures"], key=lambda r: -int(r["Occurrences"]))[:10]:
                say(f"  failure ×{row['Occurrences']} {row['Name']}: {row['Error'][:160]}")
            for row in run["exceptions"]:
                say(f"  locust exception ×{row['Count']}: {row['Message'][:160]}")
            say(f"server errors (tracebacks in the web log): {run['server_errors']}")
    finally:
        for process in (web, worker):
            with contextlib.suppress(ProcessLookupError):
                _stop(process)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--time", default="3m", help="each run's length (locust's -t)")
    parser.add_argument("--port", type=int, default=5700)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn processes (5)")
    parser.add_argument("--out", type=Path, help="CSV files and logs (default: a temp folder)")
    ns = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("DATABASE_URL must name the generated database")
    load(
        users=ns.users,
        spawn_rate=ns.spawn_rate,
        duration=ns.time,
        port=ns.port,
        workers=ns.workers,
        out=ns.out or Path(tempfile.mkdtemp(prefix="safeloop-load-")),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
