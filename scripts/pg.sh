#!/usr/bin/env bash
# A project-local PostgreSQL cluster, used only when DATABASE_URL is not set.
#   pg.sh start run   durable cluster in var/pg (for `make run`); prints its DATABASE_URL
#   pg.sh start test  throwaway cluster in var/pg-test, made anew each time, fsync off (for tests)
#   pg.sh start bench durable cluster in var/pg-bench: a million generated businesses (for `make bench`)
#   pg.sh start cluster  throwaway primary in var/pg-cluster that a streaming replica can follow (`make cluster-test`)
#   pg.sh stop [KIND] stops the clusters (or the one of KIND), if this checkout started them
#   pg.sh datadir NAME | bindir   where a cluster var/NAME keeps its data, where the server binaries are
source "$(dirname "$0")/lib.sh"

find_pg_bin() {
  local d
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/pg_ctl ]] && { echo "$d"; return; }
  done
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing PostgreSQL from Debian's packages"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V -r | head -n1)
    [[ -x $d/pg_ctl ]] && { echo "$d"; return; }
  fi
  die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL or set DATABASE_URL"
}

data_dir_for() { postgres_dir "$VAR/$1"; }

start() {
  local kind=$1 name dir port bin opts=()
  case $kind in
    run) name=pg; port=55432 ;;
    # The test cluster logs the plan of any statement slower than a minute (auto_explain), and ends one
    # that runs ten: a test once hung for over an hour on one export query of 30 businesses (the planner's
    # statistics of the moment, never reproduced), which a failing test and its plan in
    # var/pg-test/server.log would have explained (scripts/test.sh prints them).
    test) name=pg-test; port=55532
          opts=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off
                -c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=60s
                -c statement_timeout=600s) ;;
    bench) name=pg-bench; port=55632 ;;
    cluster) name=pg-cluster; port=55732  # wal_level replica and 10 WAL senders are PostgreSQL's defaults
          opts=(-c fsync=off -c synchronous_commit=off -c wal_level=replica -c max_wal_senders=10) ;;
    *) die "usage: pg.sh start run|test|bench|cluster" ;;
  esac
  bin=$(find_pg_bin)
  dir=$(data_dir_for "$name")
  if [[ $kind == test || $kind == cluster ]]; then stop_one "$dir"; rm -rf "${dir:?}"/* 2>/dev/null || true; fi
  if [[ ! -f $dir/PG_VERSION ]]; then
    say "creating PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    free_port "$port" > "$dir/umkm-port"
  fi
  port=$(cat "$dir/umkm-port")
  if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    port_busy "$port" && { port=$(free_port "$port"); echo "$port" > "$dir/umkm-port"; }
    # No Unix socket: its path may be too long inside a deep checkout; TCP on loopback is enough.
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k '' ${opts[*]}" start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'umkm'" | grep -q 1 \
    || as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres umkm
  echo "postgres://postgres@127.0.0.1:$port/umkm"
}

stop_one() {
  local dir=$1 bin
  [[ -f $dir/postmaster.pid ]] || return 0
  bin=$(find_pg_bin)
  as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

case ${1:-} in
  start) start "${2:-}" ;;
  datadir) name=${2:?usage: pg.sh datadir NAME}; data_dir_for "$name" ;;  # for scripts/replica.sh
  bindir) find_pg_bin ;;
  stop)
    names="pg pg-test pg-bench pg-cluster"
    [[ -n ${2:-} ]] && names="pg-${2}" && [[ $2 == run ]] && names=pg
    for n in $names; do
      [[ -e $VAR/$n ]] && { stop_one "$(readlink -f "$VAR/$n")"; say "stopped $n"; }
    done
    true ;;
  *) die "usage: pg.sh start run|test|bench|cluster | stop [KIND]" ;;
esac
