#!/usr/bin/env bash
# A streaming replica (hot standby) of a cluster started by scripts/pg.sh, on its own free loopback port.
#   replica.sh start PRIMARY_DATA_DIR_OR_URL [NAME]  pg_basebackup -R into var/pg-replica (var/pg-replica-NAME),
#                                                   starts it, prints its DATABASE_URL (the primary's database)
#   replica.sh stop [NAME]                          stops it; without NAME every replica of this checkout
# The primary needs nothing set up: pg.sh's clusters are made by initdb with trust on loopback, which
# allows replication connections, and wal_level=replica is PostgreSQL's default.
source "$(dirname "$0")/lib.sh"
PG="$ROOT/scripts/pg.sh"

start() {
  local source=${1:-} name=${2:-} user=postgres password='' host=127.0.0.1 port db=umkm dir bin listen
  [[ -n $source ]] || die "usage: replica.sh start PRIMARY_DATA_DIR_OR_URL [NAME]"
  if [[ -d $source ]]; then
    [[ -f $source/umkm-port ]] || die "$source is not a cluster started by scripts/pg.sh (no umkm-port)"
    port=$(cat "$source/umkm-port")
  else
    local re='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)'
    [[ $source =~ $re ]] || die "neither a data folder nor a postgres:// URL: $source"
    user=${BASH_REMATCH[2]} password=${BASH_REMATCH[4]} host=${BASH_REMATCH[5]}
    port=${BASH_REMATCH[7]:-5432} db=${BASH_REMATCH[8]}
  fi
  bin=$("$PG" bindir)
  dir=$("$PG" datadir "pg-replica${name:+-$name}")
  stop_one "$dir"
  mkdir -p "$dir"
  rm -rf "${dir:?}"/* 2>/dev/null || true
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  chmod 700 "$dir"
  say "copying the primary at $host:$port into $dir"
  PGPASSWORD=$password as_pg "$bin/pg_basebackup" -h "$host" -p "$port" -U "$user" -D "$dir" \
    -R -X stream -c fast --no-sync >/dev/null \
    || die "pg_basebackup failed (is the primary at $host:$port running and allowing replication?)"
  # The copy brings the primary's log and port file along.
  rm -f "$dir/server.log"
  # Other checkouts pick ports at the same time: a port taken between the check and the start is retried.
  local try
  for try in 1 2 3 4 5; do
    listen=$(free_port $((55732 + RANDOM % 500)))
    echo "$listen" > "$dir/umkm-port"
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -o "-h 127.0.0.1 -p $listen -k ''" start >/dev/null \
      && break
    grep -q "Address already in use" "$dir/server.log" && [[ $try -lt 5 ]] && continue
    tail -n 20 "$dir/server.log" >&2; die "the replica did not start"
  done
  echo "postgres://$user${password:+:$password}@127.0.0.1:$listen/$db"
}

stop_one() {
  local dir=$1
  [[ -f $dir/postmaster.pid ]] || return 0
  as_pg "$("$PG" bindir)/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

case ${1:-} in
  start) start "${2:-}" "${3:-}" ;;
  stop)
    if [[ -n ${2:-} ]]; then
      [[ -e $VAR/pg-replica-$2 ]] && stop_one "$(readlink -f "$VAR/pg-replica-$2")"
    else
      for d in "$VAR"/pg-replica "$VAR"/pg-replica-*; do [[ -e $d ]] && stop_one "$(readlink -f "$d")"; done
    fi
    true ;;
  *) die "usage: replica.sh start PRIMARY_DATA_DIR_OR_URL [NAME] | stop [NAME]" ;;
esac
