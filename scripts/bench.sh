#!/usr/bin/env bash
# `make bench`: its own database (var/pg-bench, kept between runs), regions, demo users, then
# BENCH_BUSINESSES generated businesses (default 1,000,000; topped up, not redone), then bench/run.py.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$(scripts/pg.sh start bench)
  export DATABASE_URL
fi
export DEBUG=false HTTPS=false OTP_REQUIRED=false CONN_MAX_AGE=600 PYTHONUNBUFFERED=1
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export PUBLIC_SEARCH_RATE=100000/m  # one address times many catalogue searches
py=.venv/bin/python
$py manage.py migrate --no-input -v 0
$py manage.py load_regions 33.16 35.10 35.15 35.24 35.29 >/dev/null
$py manage.py load_demo_data --force >/dev/null
$py manage.py collectstatic --no-input -v 0
say "generating data (first run only: a million businesses take several minutes)"
$py manage.py generate_data --businesses "${BENCH_BUSINESSES:-1000000}"
say "dashboard summary table (first run only: a few minutes at a million)"
$py manage.py refresh_tallies
exec $py bench/run.py
