#!/usr/bin/env bash
# `make cluster-test`: the portal as a province runs it, on loopback, then a command against it.
#   cluster.sh                the journey tests (tests/cluster/journey.py)
#   cluster.sh COMMAND...     any command instead (the load test of bench/cluster.py, a shell), with CLUSTER_* set
# Starts, each on a free port: a PostgreSQL primary (var/pg-cluster) and its streaming replica
# (scripts/replica.sh), PgBouncer in transaction mode in front of each (scripts/pgbouncer.sh), Redis
# (scripts/redis.sh), an S3 endpoint with a bucket (scripts/s3.sh); migrates and loads regions and demo
# data; then two gunicorn nodes and two workers (manage.py run_worker). Whatever happens, everything it
# started is stopped when it ends. Logs: var/cluster/*.log.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
CL="$VAR/cluster"
NAME=cluster  # the instance name given to the scripts of each piece
GROUPS_STARTED=()  # process groups of the nodes and workers (each is started as its own session)
SERVICES_STARTED=()

stop_all() {
  local rc=$? pid waited service
  trap - EXIT INT TERM
  set +e
  for pid in "${GROUPS_STARTED[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  for waited in $(seq 100); do
    alive=0
    for pid in "${GROUPS_STARTED[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for pid in "${GROUPS_STARTED[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  for service in "${SERVICES_STARTED[@]}"; do  # at once: each waits for its own process to end
    { $service >/dev/null 2>&1 || say "could not stop: $service"; } &
  done
  wait
  [[ $rc == 0 ]] || say "cluster: exit status $rc; logs in $CL/"
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Start `$2...` in a session of its own (so its whole process group can be stopped), output to $CL/$1.log;
# its pid goes to SPAWNED.
spawn() {
  local log=$1
  shift
  setsid "$@" >"$CL/$log.log" 2>&1 </dev/null &
  SPAWNED=$!
  disown "$SPAWNED"  # stopped by process group in stop_all; no "Killed" notices from the shell
  GROUPS_STARTED+=("$SPAWNED")
}

wait_http() {  # wait_http URL PID: until URL answers 200 (or the process dies / 60 s pass)
  local url=$1 pid=$2
  for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") == 200 ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

command -v curl >/dev/null || { [[ $(id -u) -eq 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }
scripts/venv.sh
rm -rf "$CL"
mkdir -p "$CL"
started=$SECONDS

say "cluster: PostgreSQL primary and streaming replica"
SERVICES_STARTED+=("scripts/pg.sh stop cluster")
PRIMARY_URL=$(scripts/pg.sh start cluster)
SERVICES_STARTED+=("scripts/replica.sh stop $NAME")
REPLICA_URL=$(scripts/replica.sh start "$PRIMARY_URL" "$NAME")

say "cluster: PgBouncer (transaction mode) in front of both, Redis, S3 endpoint"
SERVICES_STARTED+=("scripts/pgbouncer.sh stop $NAME" "scripts/pgbouncer.sh stop $NAME-replica")
POOLED_URL=$(scripts/pgbouncer.sh start "$PRIMARY_URL" "$NAME")
POOLED_REPLICA_URL=$(scripts/pgbouncer.sh start "$REPLICA_URL" "$NAME-replica")
# Several checkouts start pieces on this machine at once: make sure each pooler is ours, in front of ours.
psql="$(scripts/pg.sh bindir)/psql"
check_pooler() {  # check_pooler POOLED_URL SERVER_URL
  local want
  want=$(sed -E 's|^.*@[^:/]+:([0-9]+)/.*$|\1|' <<<"$2")
  [[ $("$psql" "$1" -tAc "SHOW port" 2>/dev/null) == "$want" ]] || die "$1 does not lead to $2"
}
SERVICES_STARTED+=("scripts/redis.sh stop $NAME")
CACHE_URL=$(scripts/redis.sh start "$NAME")
SERVICES_STARTED+=("scripts/s3.sh stop $NAME")
S3_ENDPOINT=$(scripts/s3.sh start "$NAME")
BUCKET=umkm-cluster
.venv/bin/python - "$S3_ENDPOINT" "$BUCKET" <<'EOF'
import sys

import boto3

endpoint, bucket = sys.argv[1:]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="cluster", aws_secret_access_key="cluster-secret"
)
s3.create_bucket(Bucket=bucket)
EOF

# What every node and worker runs with: production settings over plain HTTP on loopback.
export DEBUG=false HTTPS=false OTP_REQUIRED=false EMAIL_CONSOLE=true PYTHONUNBUFFERED=1
export SECRET_KEY=cluster-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=$POOLED_URL DATABASE_REPLICA_URL=$POOLED_REPLICA_URL DISABLE_SERVER_SIDE_CURSORS=true
export CACHE_URL
export STORAGE_URL="s3://cluster:cluster-secret@${S3_ENDPOINT#http://}/$BUCKET?secure=false&region=us-east-1"
export STATIC_ROOT="$CL/static"
# A lost worker's task is handed on after 5 s of silence (production: 60 s).
export WORKER_HEARTBEAT_SECONDS=1 WORKER_LOST_SECONDS=5

say "cluster: migrations, regions, demo data (straight to the primary), static files"
py=.venv/bin/python
MEDIA_ROOT="$CL/media-setup" $py manage.py collectstatic --no-input -v 0 &
static=$!
DATABASE_URL=$PRIMARY_URL MEDIA_ROOT="$CL/media-setup" bash -c "
  set -e
  $py manage.py migrate --no-input -v 0
  $py manage.py load_regions 33.16 35.10 35.15 35.24 35.29 >/dev/null
  $py manage.py load_demo_data --force >/dev/null
  $py manage.py load_official_counts reports/data/open_data_jatim_jateng.csv >/dev/null" \
  >"$CL/setup.log" 2>&1 || { tail -n 30 "$CL/setup.log" >&2; die "set-up failed"; }
wait "$static" || die "collectstatic failed"
# Only now: a server connection the pooler opens before the migrations keeps the database's settings of
# then (the typo threshold of registry/0023) for its whole life.
check_pooler "$POOLED_URL" "$PRIMARY_URL"
check_pooler "$POOLED_REPLICA_URL" "$REPLICA_URL"

say "cluster: two gunicorn nodes and two workers"
# Each node and worker has a media folder of its own: a file that is not in the shared storage is missed.
declare -A NODE_PID NODE_URL
for n in 1 2; do
  port=$(free_port $((20000 + RANDOM % 20000)))
  NODE_URL[$n]="http://127.0.0.1:$port"
  spawn "node$n" env MEDIA_ROOT="$CL/media-node$n" .venv/bin/gunicorn -c umkm_portal/gunicorn.conf.py \
    umkm_portal.wsgi --bind "127.0.0.1:$port" --workers "${CLUSTER_GUNICORN_WORKERS:-2}" --graceful-timeout 5
  NODE_PID[$n]=$SPAWNED
done
WORKER_PIDS=()
for n in 1 2; do
  spawn "worker$n" env MEDIA_ROOT="$CL/media-worker$n" $py manage.py run_worker
  WORKER_PIDS+=("$SPAWNED")
done
for n in 1 2; do
  wait_http "${NODE_URL[$n]}/healthz" "${NODE_PID[$n]}" || { tail -n 30 "$CL/node$n.log" >&2; die "node $n did not start"; }
done
for n in 1 2; do
  kill -0 "${WORKER_PIDS[n - 1]}" 2>/dev/null || { tail -n 30 "$CL/worker$n.log" >&2; die "worker $n did not start"; }
done
say "cluster up in $((SECONDS - started)) s: nodes ${NODE_URL[1]} (pid ${NODE_PID[1]}) and ${NODE_URL[2]} (pid ${NODE_PID[2]}), workers ${WORKER_PIDS[*]}"

export CLUSTER_NODE1=${NODE_URL[1]} CLUSTER_NODE2=${NODE_URL[2]}
export CLUSTER_NODE1_PID=${NODE_PID[1]} CLUSTER_NODE2_PID=${NODE_PID[2]} CLUSTER_WORKER_PIDS="${WORKER_PIDS[*]}"
export CLUSTER_PRIMARY_URL=$PRIMARY_URL CLUSTER_REPLICA_URL=$REPLICA_URL CLUSTER_DIR=$CL
export CLUSTER_S3_ENDPOINT=$S3_ENDPOINT CLUSTER_BUCKET=$BUCKET
if [[ $# -eq 0 ]]; then
  set -- .venv/bin/pytest -c tests/cluster/pytest.ini tests/cluster/journey.py
fi
set +e
"$@"
rc=$?
set -e
say "cluster: done in $((SECONDS - started)) s"
exit "$rc"
