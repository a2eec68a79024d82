#!/usr/bin/env bash
# A local S3-compatible endpoint (moto_server from .venv) on loopback, for tests and the cluster test.
#   s3.sh start [NAME]  starts it (or finds it running) and prints its endpoint URL, http://127.0.0.1:PORT;
#                       it creates no bucket. NAME (default "default") lets several run side by side.
#   s3.sh stop [NAME]   stops the one named, or every one this checkout started.
# Pid, port and log live in var/s3/NAME/. moto keeps the objects in memory: they go when it stops.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

name_dir() {
  [[ ${1:-default} =~ ^[A-Za-z0-9_.-]+$ ]] || die "s3.sh: a name is letters, digits, '.', '_' or '-'"
  echo "$VAR/s3/${1:-default}"
}

running() {  # true when the pid in $1/pid is alive and is our moto_server
  local dir=$1 pid
  [[ -f $dir/pid ]] || return 1
  pid=$(cat "$dir/pid")
  kill -0 "$pid" 2>/dev/null && grep -q moto_server "/proc/$pid/cmdline" 2>/dev/null
}

start() {
  local dir port pid tries attempt
  dir=$(name_dir "${1:-}")
  mkdir -p "$dir"
  # One start at a time per name: parallel test processes must not race for the same port.
  exec 9>"$dir/lock"
  flock 9
  if running "$dir"; then
    echo "http://127.0.0.1:$(cat "$dir/port")"
    return
  fi
  [[ -x .venv/bin/moto_server ]] || scripts/venv.sh >&2
  [[ -x .venv/bin/moto_server ]] || die "moto_server is missing from .venv (requirements-dev.txt pins moto[server])"
  # Another checkout may take the same free port a moment before us (its server answers there, ours
  # exits): the port is ours only once our own server says it runs on it; else try another one.
  port=$(free_port $((59000 + RANDOM % 1000)))
  for attempt in 1 2 3 4 5; do
    setsid .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$dir/server.log" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$dir/pid"
    echo "$port" >"$dir/port"
    for tries in $(seq 1 100); do
      if kill -0 "$pid" 2>/dev/null && grep -q "Running on http://127.0.0.1:$port" "$dir/server.log" \
        && port_busy "$port"; then
        echo "http://127.0.0.1:$port"
        return
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    port=$(free_port $((port + 1)))
  done
  tail -n 20 "$dir/server.log" >&2
  rm -f "$dir/pid"
  die "moto_server did not start (tried $attempt ports)"
}

stop_one() {
  local dir=$1 pid
  if running "$dir"; then
    pid=$(cat "$dir/pid")
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped S3 endpoint $(basename "$dir")"
  fi
  rm -f "$dir/pid" "$dir/port"
}

case ${1:-} in
  start) start "${2:-}" ;;
  stop)
    if [[ -n ${2:-} ]]; then
      stop_one "$(name_dir "$2")"
    else
      for dir in "$VAR"/s3/*/; do [[ -d $dir ]] && stop_one "${dir%/}"; done
    fi
    true ;;
  *) die "usage: s3.sh start [NAME] | stop [NAME]" ;;
esac
