"""The `safeloop` command: demo, serve, worker and manage."""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    import django

    django.setup()


def manage(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeloop manage", *args])
    return 0


def _gunicorn_command(bind: str, workers: int, threads: int = 1) -> list[str]:
    """Sync workers by default; with `threads` > 1, gthread workers (a thread waiting on the
    database lets another run). SAFELOOP_ACCESS_LOG=off drops the access log."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "safeloop.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--forwarded-allow-ips",
        os.environ.get("SAFELOOP_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if os.environ.get("SAFELOOP_ACCESS_LOG", "on").lower() not in ("off", "false", "0", "no"):
        command += ["--access-logfile", "-"]
    return command


def _as_app() -> None:
    """The web and the worker log in with DATABASE_APP_URL when it is set (settings)."""
    os.environ["SAFELOOP_DATABASE_AS_APP"] = "1"


def serve(ns) -> int:
    _as_app()
    _django_setup()  # starts the embedded database, if any, before the workers fork
    command = _gunicorn_command(ns.bind, ns.workers, ns.threads)
    # Become gunicorn, so that signals from a supervisor (systemd, a benchmark) reach it.
    os.execv(command[0], command)  # noqa: S606 — our own interpreter and arguments


def worker(ns) -> int:
    _as_app()
    args = ["procrastinate", "worker"]
    if ns.concurrency:
        args += ["--concurrency", str(ns.concurrency)]
    return manage(args)


def _wait_until_serving(url: str, process, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + "login/", timeout=2):  # noqa: S310 — our own URL
                return True
        except urllib.error.HTTPError:
            return True  # it answers; the error is in the page and the log shows it
        except OSError:
            time.sleep(0.2)
    return False


def demo(ns) -> int:
    started = time.monotonic()
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation

    from safeloop.demo.seed import DEMO_PASSWORD, demo_accounts

    translation.activate(settings.LANGUAGE_CODE)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    url = f"http://{ns.bind}/"
    commands = [] if ns.no_worker else [[sys.executable, "-m", "safeloop.cli", "worker"]]
    commands.append(_gunicorn_command(ns.bind, 2))

    def ready(web) -> int | None:
        if not _wait_until_serving(url, web):
            print("The web server did not start; see the messages above.", file=sys.stderr)
            return 1
        elapsed = time.monotonic() - started
        since_launch = ""
        if launched := os.environ.get("SAFELOOP_STARTED_AT"):
            since_launch = f"; {time.time() - float(launched):.1f} s since ./dev.sh started"
        print(f"\nSafeLoop demo is serving at {url}  (ready in {elapsed:.1f} s{since_launch})\n")
        print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, unit in demo_accounts():
            print(f"  {username:<18} {role:<28} {unit}")
        if ns.no_worker:
            print("\nNo background worker runs; start one with: safeloop worker")
        else:
            print("\nA background worker runs alongside (scheduled jobs).")
        print("Press Ctrl+C to stop.", flush=True)
        return 0 if ns.exit_when_ready else None

    return run_children(commands, ready)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_children(commands: list[list[str]], ready) -> int:
    """Start one process per command, the last one being the main one; `ready(main)` returns an
    exit code to stop at once or None to wait for the main process. Ctrl+C, SIGTERM and SIGHUP
    stop every child (gracefully, then killed after 10 s), so nothing keeps serving after us.
    SIGINT gets the handler too: a process started in the background by a shell inherits it
    ignored, and Python then raises no KeyboardInterrupt."""
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _interrupt)
    children: list[subprocess.Popen] = []
    try:
        children.extend(subprocess.Popen(command) for command in commands)
        code = ready(children[-1])
        return code if code is not None else children[-1].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safeloop",
        description="SafeLoop: industrial work-safety supervision. Without DATABASE_URL an "
        "embedded PostgreSQL under var/ is used.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "demo",
        help="migrate, load demo data, and serve with a worker",
        description="Migrate, load the demo data (idempotent), collect static "
        "files and serve on 127.0.0.1 with a background worker; prints the demo "
        "accounts.",
    )
    p.add_argument("--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)")
    p.add_argument("--no-worker", action="store_true", help="do not start a background worker")
    p.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="stop as soon as the site answers (for checks)",
    )
    p.set_defaults(func=demo)

    p = sub.add_parser(
        "serve",
        help="serve the site with gunicorn (production)",
        description="Serve with gunicorn. Run `safeloop manage migrate` and "
        "`safeloop manage collectstatic` first.",
    )
    p.add_argument("--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("SAFELOOP_WORKERS") or max(2, (os.cpu_count() or 1) * 2 + 1)),
        help="gunicorn worker processes (SAFELOOP_WORKERS; default 2 × cores + 1)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("SAFELOOP_THREADS") or 1),
        help="threads per worker; more than 1 uses gthread workers (SAFELOOP_THREADS)",
    )
    p.set_defaults(func=serve)

    p = sub.add_parser(
        "worker",
        help="run a background job worker",
        description="Run a procrastinate worker: queued and periodic jobs.",
    )
    p.add_argument("--concurrency", type=int, default=0, help="jobs run at once (default 1)")
    p.set_defaults(func=worker)

    p = sub.add_parser(
        "manage",
        help="run a Django management command",
        add_help=False,
        description="Run a Django management command, e.g. `safeloop manage "
        "migrate`; `safeloop manage help` lists them.",
    )
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda ns: manage(ns.args or ["help"]))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:  # everything after `manage` belongs to Django, --help included
        return manage(argv[1:] or ["help"])
    ns = build_parser().parse_args(argv)
    return ns.func(ns) or 0


if __name__ == "__main__":
    sys.exit(main())
