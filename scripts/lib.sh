# Shared shell helpers for the project's scripts (sourced, not run).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Print a Python >= 3.12, or fail: Debian's python3 is 3.11 here, pyenv builds live beside it.
find_python() {
  local c p
  for c in python3.14 python3.13 python3.12 python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    p=$(command -v "$c" 2>/dev/null) || continue
    "$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$p"; return 0; }
  done
  die "Python >= 3.12 is required (install python3.12 or newer, or a pyenv build)"
}

# Run a command as the postgres user when we are root (initdb and pg_ctl refuse root).
as_pg() {  # from / as the postgres user: it may not enter a checkout in a private folder
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# True when something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p=$1
  while port_busy "$p"; do p=$((p + 1)); done
  echo "$p"
}

# A folder the postgres user can reach at `$1` (a path under var/): the path itself, or, when the checkout
# lies inside a private folder (mktemp -d) and we are root, a folder in /var/tmp that `$1` links to.
# Prints the real folder. Used for the clusters (pg.sh, replica.sh) and PgBouncer, which run as postgres.
postgres_dir() {
  local link=$1 target
  mkdir -p "$(dirname "$link")"
  if [[ $(id -u) -ne 0 ]] || runuser -u postgres -- test -x "$(dirname "$link")"; then
    mkdir -p "$link"; echo "$link"; return
  fi
  if [[ -L $link ]]; then readlink "$link"; return; fi
  target="/var/tmp/umkm-portal-$(echo -n "$ROOT" | sha256sum | cut -c1-12)-$(echo "${link#"$VAR"/}" | tr / -)"
  mkdir -p "$target"
  ln -sfn "$target" "$link"
  echo "$target"
}
