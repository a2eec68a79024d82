#!/usr/bin/env bash
# Every migration has a name that says what it does, not Django's auto_<date> default.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bad=$(find . -path ./.venv -prune -o -path '*/migrations/*.py' -name '*_auto_*' -print)
[[ -z $bad ]] || die "unnamed migrations (use makemigrations -n <what_changed>): $bad"
