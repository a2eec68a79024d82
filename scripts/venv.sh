#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install requirements-dev.txt; reinstall only when a requirements file changed.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

stamp=.venv/.requirements.sha256
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [[ -x .venv/bin/python ]] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
   && [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  py=$(find_python)
  say "creating .venv with $("$py" --version)"
  rm -rf .venv
  "$py" -m venv .venv
fi
say "installing requirements-dev.txt"
# --no-compile: Python compiles what is imported when it is first imported; compiling every installed file up
# front cost 16 of 39 seconds here, most of it for modules nothing imports.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
echo "$want" > "$stamp"
