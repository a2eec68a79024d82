#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the Playwright tests (never `playwright install`).
source "$(dirname "$0")/lib.sh"
[[ -x /usr/bin/chromium ]] && exit 0
[[ $(id -u) -eq 0 ]] || die "Chromium is missing: run 'sudo apt-get install chromium' (the browser tests need it)"
say "installing Chromium from Debian's packages"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[[ -x /usr/bin/chromium ]] || die "Chromium did not install"
