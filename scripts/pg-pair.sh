#!/usr/bin/env bash
# A PostgreSQL primary and a streaming hot standby of it, from the Debian packages' binaries,
# in a folder of their own: for operators trying the replica out and for the tests
# (tests/core/test_replica.py). docs/operations.md says how the application uses them.
#
#   scripts/pg-pair.sh start  DIR [PRIMARY_PORT] [STANDBY_PORT]   (defaults 5442 and 5443)
#   scripts/pg-pair.sh stop   DIR [primary|standby]        (both by default)
#   scripts/pg-pair.sh status DIR
#
# `start` is idempotent: it creates what is missing (initdb of the primary with replication
# allowed from 127.0.0.1 in its own pg_hba, pg_basebackup -R of the standby), starts what is
# stopped and returns once the primary reports the standby as streaming. Both listen on
# 127.0.0.1 and on a Unix socket in DIR, log to DIR/*.log, and trust local connections:
# a pair for one machine, not a hardened server. Run as root, it runs the servers as
# `postgres` (PostgreSQL refuses root) and hands DIR to that user.
set -euo pipefail

BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
COMMAND="${1:-}"
DIR="${2:-}"
if [[ -z "$COMMAND" || -z "$DIR" ]]; then
    sed -n '6,8p' "$0" | sed 's/^#   /usage: /' >&2
    exit 2
fi
DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"
PRIMARY="$DIR/primary"
STANDBY="$DIR/standby"

if [[ "$(id -u)" == "0" ]]; then
    chown postgres: "$DIR"
    exec runuser -u postgres -- "$0" "$@"
fi

# The ports are remembered in DIR so that stop, status and a second start find them.
if [[ -f "$DIR/ports" ]]; then
    read -r PRIMARY_PORT STANDBY_PORT <"$DIR/ports"
else
    PRIMARY_PORT="${3:-5442}"
    STANDBY_PORT="${4:-5443}"
fi

running() { "$BIN/pg_ctl" status -D "$1" >/dev/null 2>&1; }

sql() { # sql PORT QUERY: one value from the server on PORT
    "$BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtq -c "$2"
}

start() {
    if [[ ! -f "$PRIMARY/PG_VERSION" ]]; then
        echo "$PRIMARY_PORT $STANDBY_PORT" >"$DIR/ports"
        "$BIN/initdb" -D "$PRIMARY" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 --no-sync >"$DIR/initdb.log"
        cat >>"$PRIMARY/postgresql.conf" <<EOF

# scripts/pg-pair.sh
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
hot_standby_feedback = on
EOF
        cat >"$PRIMARY/pg_hba.conf" <<EOF
# scripts/pg-pair.sh: this machine only
local all         all                 trust
host  all         all   127.0.0.1/32  trust
host  replication all   127.0.0.1/32  trust
EOF
    fi
    running "$PRIMARY" || "$BIN/pg_ctl" start -D "$PRIMARY" -l "$DIR/primary.log" -w -t 60 >/dev/null
    if [[ ! -f "$STANDBY/PG_VERSION" ]]; then
        rm -rf "$STANDBY"
        "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STANDBY" \
            -R -X stream -c fast --no-sync
        # The copy carries the primary's settings; the standby differs by its port.
        echo "port = $STANDBY_PORT" >>"$STANDBY/postgresql.auto.conf"
    fi
    running "$STANDBY" || "$BIN/pg_ctl" start -D "$STANDBY" -l "$DIR/standby.log" -w -t 60 >/dev/null
    for _ in $(seq 1 300); do
        if [[ "$(sql "$PRIMARY_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]]; then
            echo "primary 127.0.0.1:$PRIMARY_PORT, standby 127.0.0.1:$STANDBY_PORT streaming"
            return 0
        fi
        sleep 0.1
    done
    echo "the standby is not streaming after 30 s; see $DIR/standby.log" >&2
    return 1
}

stop() {
    # The standby first, so that it does not retry a vanished primary meanwhile.
    local members=("$STANDBY" "$PRIMARY")
    case "${1:-}" in
    primary) members=("$PRIMARY") ;;
    standby) members=("$STANDBY") ;;
    esac
    for data in "${members[@]}"; do
        if [[ -f "$data/PG_VERSION" ]] && running "$data"; then
            "$BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
        fi
    done
    echo "stopped"
}

status() {
    local state=0
    for data in "$PRIMARY" "$STANDBY"; do
        if [[ -f "$data/PG_VERSION" ]] && running "$data"; then
            echo "$(basename "$data"): running"
        else
            echo "$(basename "$data"): stopped"
            state=3
        fi
    done
    if running "$PRIMARY"; then
        sql "$PRIMARY_PORT" "SELECT 'replication: ' || coalesce(string_agg(state, ', '), 'none') FROM pg_stat_replication"
    fi
    return $state
}

case "$COMMAND" in
start) start ;;
stop) stop "${3:-}" ;;
status) status ;;
*)
    echo "unknown command: $COMMAND (start, stop, status)" >&2
    exit 2
    ;;
esac
