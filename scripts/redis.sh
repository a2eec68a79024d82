#!/usr/bin/env bash
# A project-local Redis for the shared cache (CACHE_URL), on a free loopback port, without persistence.
#   redis.sh start [NAME]  starts var/redis/NAME (default "run") unless it runs; prints redis://127.0.0.1:PORT/0
#   redis.sh stop [NAME]   stops var/redis/NAME, or every instance this checkout started when no NAME is given
# Several instances (one per test worker, say) can run side by side: each has its own folder, pid and log.
source "$(dirname "$0")/lib.sh"

install_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null \
    || die "redis-server not found: install Debian's redis-server package (as root: apt-get install redis-server)"
  say "installing redis-server from Debian's packages"
  # The package would start its own service on port 6379: keep it from starting anything (policy-rc.d),
  # unless the machine already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
    || { [[ -n $own_policy ]] && rm -f "$policy"; die "apt-get could not install redis-server"; }
  [[ -n $own_policy ]] && rm -f "$policy"
  command -v redis-server >/dev/null || die "redis-server is still missing after apt-get install"
}

running() {  # true when the instance in folder $1 has a live process
  local pid
  [[ -f $1/redis.pid ]] || return 1
  pid=$(cat "$1/redis.pid" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

answers() { [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

start() {
  local name=${1:-run} dir port try
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "instance name must be letters, digits, - or _: $name"
  install_redis
  dir="$VAR/redis/$name"
  mkdir -p "$dir"
  # One start at a time per instance: test workers may ask for it at once.
  exec 9>"$dir/lock"
  flock 9
  if running "$dir" && answers "$(cat "$dir/port")"; then
    echo "redis://127.0.0.1:$(cat "$dir/port")/0"
    return
  fi
  rm -f "$dir/redis.pid"
  # Another checkout may take the same free port a moment before us: then try the next one.
  port=$((56379 + RANDOM % 2000))
  for try in 1 2 3 4 5; do
    port=$(free_port "$port")
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
      --save "" --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null 9>&-
    for _ in $(seq 50); do
      answers "$port" && break
      sleep 0.1
    done
    if answers "$port" && running "$dir"; then
      echo "$port" > "$dir/port"
      echo "redis://127.0.0.1:$port/0"
      return
    fi
    port=$((port + 1))
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "Redis did not start (log: $dir/redis.log)"
}

stop_one() {
  local dir=$1 pid
  running "$dir" || { rm -f "$dir/redis.pid"; return 0; }
  pid=$(cat "$dir/redis.pid")
  kill "$pid"
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$dir/redis.pid"
  say "stopped redis $(basename "$dir")"
}

case ${1:-} in
  start) start "${2:-}" ;;
  stop)
    if [[ -n ${2:-} ]]; then
      stop_one "$VAR/redis/$2"
    else
      for d in "$VAR"/redis/*/; do [[ -d $d ]] && stop_one "${d%/}"; done
    fi
    true ;;
  *) die "usage: redis.sh start [NAME] | stop [NAME]" ;;
esac
