#!/usr/bin/env bash
# `make run`: database, migrations, regions and demo data, a worker, then the development server.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$(scripts/pg.sh start run)
  export DATABASE_URL
fi
export DEBUG=${DEBUG:-true}
py=.venv/bin/python
$py manage.py migrate --no-input -v 0
$py manage.py load_regions 33.16 35.10 35.15 35.24 35.29
$py manage.py load_demo_data
$py manage.py load_official_counts reports/data/open_data_jatim_jateng.csv
# The worker runs imports, exports, the dashboard recount and the scheduled jobs; `make stop` stops it too.
scripts/worker.sh stop
mkdir -p "$VAR"
$py manage.py run_worker >>"$VAR/worker.log" 2>&1 &
echo $! >"$VAR/worker.pid"
trap 'scripts/worker.sh stop' EXIT
say "worker started (log: var/worker.log); more workers: '.venv/bin/python manage.py run_worker', on any machine"
say "serving on http://127.0.0.1:${PORT:-8000} (stop with Ctrl-C, then 'make stop' for the database)"
$py manage.py runserver "127.0.0.1:${PORT:-8000}"
