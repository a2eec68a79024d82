#!/usr/bin/env bash
# `make run`: database, migrations, regions and demo data, then the development server.
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
say "serving on http://127.0.0.1:${PORT:-8000} (stop with Ctrl-C, then 'make stop' for the database)"
exec $py manage.py runserver "127.0.0.1:${PORT:-8000}"
