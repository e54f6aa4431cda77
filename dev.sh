#!/usr/bin/env bash
# SafeLoop's two commands:  ./dev.sh demo  (install, seed, serve)   ./dev.sh test  (install, test)
# Finds a Python >= 3.12, keeps a virtual environment in .venv, installs the pinned packages.
set -euo pipefail
cd "$(dirname "$0")"
# The demo reports its time from here, installation included.
export SAFELOOP_STARTED_AT="${SAFELOOP_STARTED_AT:-$(date +%s.%N)}"

find_python() {
  local candidates=("${SAFELOOP_PYTHON:-}" python3.13 python3.12 python3)
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for v in "$pyenv_root"/versions/3.13* "$pyenv_root"/versions/3.12*; do
    [ -x "$v/bin/python" ] && candidates+=("$v/bin/python")
  done
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    :
  else
    local py
    if ! py=$(find_python); then
      echo "SafeLoop needs Python 3.12 or newer, and none was found." >&2
      echo "Install one (e.g. 'apt-get install python3.12 python3.12-venv', or pyenv)," >&2
      echo "or point SAFELOOP_PYTHON at it." >&2
      exit 1
    fi
    echo ">> creating .venv with $py ($("$py" --version))"
    rm -rf .venv
    "$py" -m venv .venv
  fi
  # Reinstall only when the pinned requirements change.
  local stamp=.venv/.safeloop-installed want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo ">> installing pinned packages"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test,bench]"
    echo "$want" > "$stamp"
  fi
}

ensure_chromium() {
  # Browser tests drive Debian's Chromium; nothing downloads a browser of its own.
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo ">> installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 ||
      echo "!! could not install chromium; browser tests will be skipped" >&2
  else
    echo "!! chromium is not installed (apt-get install chromium); browser tests will be skipped" >&2
  fi
}

cmd="${1:-help}"; shift || true
case "$cmd" in
  demo)
    ensure_venv
    exec .venv/bin/safeloop demo "$@" ;;
  lint)
    ensure_venv
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    exec .venv/bin/safeloop manage makemigrations --check --dry-run ;;
  types)
    ensure_venv
    exec .venv/bin/mypy ;;
  test)
    ensure_venv
    ensure_chromium
    # One test process per core (SAFELOOP_TEST_PROCESSES, default 2; 0 or 1: a single process,
    # as --pdb needs), each with its own test database. The long tests come first
    # (tests/conftest.py) and --dist worksteal lets an idle process take tests queued on the
    # other, so both finish together.
    processes="${SAFELOOP_TEST_PROCESSES:-2}"
    [ "$processes" -gt 1 ] 2>/dev/null || processes=0
    exec .venv/bin/python -m pytest -n "$processes" --dist worksteal --durations 20 "$@" ;;
  *)
    echo "usage: ./dev.sh demo [--bind 127.0.0.1:8000]   start the demo (embedded PostgreSQL unless DATABASE_URL is set)"
    echo "       ./dev.sh test [pytest args]              run the whole test suite (2 processes;"
    echo "                                                SAFELOOP_TEST_PROCESSES=1 for one)"
    echo "       ./dev.sh lint                            ruff, formatting, missing migrations"
    echo "       ./dev.sh types                           mypy over core and every services and selectors module"
    exit 2 ;;
esac
