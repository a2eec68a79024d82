#!/usr/bin/env bash
# `make test`: a throwaway database (unless DATABASE_URL is set), the checks, the whole suite, then the cluster test.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
scripts/browser.sh
if [[ -z ${DATABASE_URL:-} ]]; then
  DATABASE_URL=$(scripts/pg.sh start test)
  export DATABASE_URL
  trap 'scripts/pg.sh stop test' EXIT  # what make test started, it stops
fi
# Tests run as production does (DEBUG off) but over plain HTTP on loopback.
export DEBUG=false HTTPS=false SECRET_KEY=${SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789}
py=.venv/bin/python
say "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || die "ruff format would change files: run '.venv/bin/ruff format .'"
say "bandit (medium and high findings fail)"
.venv/bin/bandit -q -c pyproject.toml -r umkm_portal registry programs reports --severity-level medium
say "migrations are complete and named"
$py manage.py makemigrations --check --dry-run >/dev/null || die "models changed without a migration: run makemigrations"
scripts/check_migration_names.sh
say "pytest"
slow_plans() {  # what auto_explain logged (scripts/pg.sh: statements over a minute), if anything
  local log
  log="$(scripts/pg.sh datadir pg-test)/server.log"
  [[ -f $log ]] && grep -q "duration: .* plan:" "$log" && { say "statements slower than a minute:"; grep -A40 "duration: .* plan:" "$log" | head -200; }
  return 0
}
.venv/bin/pytest "$@" || { status=$?; slow_plans; exit $status; }
slow_plans
# The whole suite also rehearses a province's deployment (about 1.5 minutes); `make test ARGS=...` runs
# only the tests it names.
if [[ $# -eq 0 ]]; then
  say "cluster test: two nodes, two workers, a replica, PgBouncer, Redis and S3 on loopback"
  env -u DATABASE_URL scripts/cluster.sh
fi
