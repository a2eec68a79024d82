#!/usr/bin/env bash
# `make run`: database, migrations, regions and demo data, a worker, then the development server; one line per
# step (what each command wrote in full goes to var/run.log, and is shown when a step fails).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
mkdir -p "$VAR"
: >"$VAR/run.log"
py=.venv/bin/python

# step WHAT COMMAND...: "==> WHAT ... " then, on the same line, the command's last line (its summary), or "done".
step() {
  local what=$1 out
  shift
  printf '\033[1;34m==>\033[0m %s ... ' "$what" >&2
  if ! out=$("$@" 2>&1); then
    printf 'failed\n%s\n' "$out" >&2
    die "$what failed (the full output is above and in var/run.log)"
  fi
  printf '%s\n' "$out" >>"$VAR/run.log"
  out=$(grep -v 'AXES: BEGIN' <<<"$out" | tail -n 1)
  printf '%s\n' "${out:-done}" >&2
}

say "virtual environment: .venv ($($py --version)), requirements installed"
if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$(scripts/pg.sh start run)
  export DATABASE_URL
  say "database: local PostgreSQL in var/pg, $DATABASE_URL"
else
  say "database: DATABASE_URL from the environment"
fi
export DEBUG=${DEBUG:-true}
step "migrations (a few minutes on the first run)" $py manage.py migrate --no-input -v 0
step "regions of the five districts" $py manage.py load_regions 33.16 35.10 35.15 35.24 35.29
step "demo data" $py manage.py load_demo_data
grep -A20 '^Demo logins' "$VAR/run.log" | grep -v 'ready; added' >&2 || true
step "official UMKM counts" $py manage.py load_official_counts reports/data/open_data_jatim_jateng.csv
# The worker runs imports, exports, the dashboard recount and the scheduled jobs; `make stop` stops it too.
scripts/worker.sh stop
$py manage.py run_worker >>"$VAR/worker.log" 2>&1 &
echo $! >"$VAR/worker.pid"
trap 'scripts/worker.sh stop' EXIT
say "worker started (log: var/worker.log); more workers: '.venv/bin/python manage.py run_worker', on any machine"
say "serving on http://127.0.0.1:${PORT:-8000} (another port: PORT=8080 make run; stop with Ctrl-C, then 'make stop')"
$py manage.py runserver "127.0.0.1:${PORT:-8000}"
