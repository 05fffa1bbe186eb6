#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing (we run as root here).
#   gettext   always (compilemessages);
#   chromium  unless ALLIANCE_BROWSER_TESTS=0 (the browser tests in tests/e2e/ drive it), with
#             fonts-dejavu-core for Arabic and Hebrew;
#   wrk       when ALLIANCE_BENCH_TOOLS=1 (make bench's load generator).
set -euo pipefail
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
if [ "${ALLIANCE_BROWSER_TESTS:-1}" = "1" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Glyphs for Arabic and Hebrew in the browser tests' pages and screenshots.
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
fi
if [ "${ALLIANCE_BENCH_TOOLS:-0}" = "1" ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "Please install: ${missing[*]} (Debian packages)" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
