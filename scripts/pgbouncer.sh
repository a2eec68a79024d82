#!/usr/bin/env bash
# PgBouncer in transaction pooling mode on loopback, in front of a PostgreSQL server (tests, cluster-test).
#   pgbouncer.sh start DATABASE_URL [NAME]  starts it (or finds it running); prints the pooled DATABASE_URL
#   pgbouncer.sh stop [NAME]                stops it; without NAME every instance of this checkout
# Config, pid file and log live in var/pgbouncer/NAME/ (NAME defaults to "main"). Any database name of
# the server passes through, so test databases (test_umkm_gw0...) are pooled too.
#
# After every transaction the pooler runs DISCARD ALL (server_reset_query_always): whatever a connection
# kept from an earlier transaction (SET, a WITH HOLD cursor, a session advisory lock, a temporary table,
# a prepared statement) is gone, as it would be on another server connection under load. Code that
# depends on such state fails here at once instead of now and then in production.
source "$(dirname "$0")/lib.sh"
BASE="$VAR/pgbouncer"

find_pgbouncer() {
  local p
  p=$(command -v pgbouncer 2>/dev/null || true)
  [[ -z $p && -x /usr/sbin/pgbouncer ]] && p=/usr/sbin/pgbouncer
  if [[ -z $p ]]; then
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || die "pgbouncer not found: install Debian's pgbouncer"
    say "installing PgBouncer from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null; } \
      || die "could not install pgbouncer"
    p=/usr/sbin/pgbouncer
  fi
  echo "$p"
}

running() {  # true when the instance in $1 runs
  local dir=$1
  [[ -f $dir/pgbouncer.pid ]] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null
}

start() {
  local url=${1:-} name=${2:-main} dir user password host port db query bin listen
  [[ -n $url ]] || die "usage: pgbouncer.sh start DATABASE_URL [NAME]"
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "NAME may hold letters, digits, - and _ only"
  local re='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)(\?.*)?$'
  [[ $url =~ $re ]] || die "not a postgres:// URL with a user, host and database: $url"
  user=${BASH_REMATCH[2]} password=${BASH_REMATCH[4]} host=${BASH_REMATCH[5]}
  port=${BASH_REMATCH[7]:-5432} db=${BASH_REMATCH[8]} query=${BASH_REMATCH[9]}
  dir=$(postgres_dir "$BASE/$name")
  if running "$dir" && [[ $(cat "$dir/upstream" 2>/dev/null) == "$user@$host:$port" ]]; then
    echo "postgres://$user${password:+:$password}@127.0.0.1:$(cat "$dir/port")/$db$query"
    return
  fi
  stop_one "$dir"
  bin=$(find_pgbouncer)
  # userlist: with auth_type trust the client's name must be listed; the password (if any) is what
  # PgBouncer itself logs in to the server with.
  printf '"%s" "%s"\n' "$user" "$password" > "$dir/userlist.txt"
  if [[ $(id -u) -eq 0 ]]; then
    # PgBouncer refuses to run as root: it runs as postgres, which must write its log and pid file.
    chown -R postgres: "$dir"
    runuser -u postgres -- test -w "$dir" || die "the postgres user cannot write $dir (a checkout in a private folder?)"
  fi
  # Other checkouts pick ports at the same time: a port taken between the check and the start is retried.
  # The daemon binds after it forks, so its log says whether it listens.
  local try
  for try in 1 2 3 4 5; do
    listen=$(free_port $((56432 + RANDOM % 500)))
    write_config "$dir" "$listen" "$host" "$port"
    echo "$listen" > "$dir/port"
    echo "$user@$host:$port" > "$dir/upstream"
    : > "$dir/pgbouncer.log"
    [[ $(id -u) -eq 0 ]] && chown -R postgres: "$dir"
    as_pg "$bin" -d -q "$dir/pgbouncer.ini" 2>>"$dir/pgbouncer.log" || true
    for _ in $(seq 50); do
      grep -q "listening on 127.0.0.1:$listen" "$dir/pgbouncer.log" && break 2
      grep -q "FATAL\|ERROR" "$dir/pgbouncer.log" && break
      sleep 0.1
    done
    stop_one "$dir"
    grep -q "Address already in use" "$dir/pgbouncer.log" && [[ $try -lt 5 ]] && continue
    tail -n 20 "$dir/pgbouncer.log" >&2; die "PgBouncer did not start"
  done
  echo "postgres://$user${password:+:$password}@127.0.0.1:$listen/$db$query"
}

write_config() {
  local dir=$1 listen=$2 host=$3 port=$4
  cat > "$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$host port=$port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $listen
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
server_reset_query = DISCARD ALL
server_reset_query_always = 1
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
verbose = 0
pidfile = $dir/pgbouncer.pid
EOF
}

stop_one() {
  local dir=$1 pid
  [[ -f $dir/pgbouncer.pid ]] || return 0
  pid=$(cat "$dir/pgbouncer.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"  # SIGINT: stop at once (SIGTERM would wait for every client to leave)
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/pgbouncer.pid"
}

case ${1:-} in
  start) start "${2:-}" "${3:-main}" ;;
  stop)
    if [[ -n ${2:-} ]]; then
      stop_one "$BASE/$2"
    else
      for d in "$BASE"/*/; do [[ -d $d ]] && stop_one "${d%/}"; done
    fi
    true ;;
  *) die "usage: pgbouncer.sh start DATABASE_URL [NAME] | stop [NAME]" ;;
esac
