#!/usr/bin/env bash
# Refresh static/vendor/ from the npm registry (run by hand when a version changes; the result is committed).
source "$(dirname "$0")/lib.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent \
  bootstrap@5.3.9 bootstrap-icons@1.13.2 htmx.org@2.0.11 chart.js@4.6.1 axe-core@4.14.1
out="$ROOT/static/vendor"
rm -rf "$out" && mkdir -p "$out"/{bootstrap,bootstrap-icons/fonts,htmx,chartjs}
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} "$out/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} "$out/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$out/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$out/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js{,.map} "$out/chartjs/"
# axe-core is a test tool: it lives with the tests, never in a served page.
mkdir -p "$ROOT/tests/browser/vendor"
cp node_modules/axe-core/axe.min.js "$ROOT/tests/browser/vendor/"
# The icon CSS also names a .woff fallback we do not ship; every browser we support takes woff2.
sed -i 's#,url("fonts/bootstrap-icons.woff?[^"]*") format("woff")##' "$out/bootstrap-icons/bootstrap-icons.min.css"
cat > "$out/VERSIONS" <<TXT
bootstrap 5.3.9 (MIT)
bootstrap-icons 1.13.2 (MIT)
htmx.org 2.0.11 (0BSD)
chart.js 4.6.1 (MIT)
axe-core 4.14.1 (MPL-2.0), tests/browser/vendor/ only
TXT
say "static/vendor refreshed"
