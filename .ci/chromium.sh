#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests
# (internal/web/browser_test.go), which skip when /usr/bin/chromium is
# missing. Called by .ci/run before the tests; runs unattended (CI=true, no
# input) as root, prints nothing when chromium is already there, and fails
# with one line saying why when it cannot install it, so that the browser
# tests are not skipped unnoticed.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "chromium.sh: /usr/bin/chromium is missing and installing it needs root (apt-get install chromium)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium.sh: /usr/bin/chromium is missing and this is not a Debian system with apt-get" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium; } </dev/null >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "chromium.sh: apt-get could not install chromium (output above)" >&2
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "chromium.sh: apt-get installed chromium but /usr/bin/chromium is missing" >&2
	exit 1
fi
echo "chromium.sh: installed $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
