#!/usr/bin/env bash
# Installs the Debian packages the test suite runs against, when missing: a PostgreSQL
# server (the durable stores and the work queue) and Chromium (the timeline's browser
# tests). The tests start and stop their own server and browser; this only installs.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "system-packages: missing ${need[*]}; install them with apt-get (needs root)" >&2
  exit 1
fi
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
echo "system-packages: installing ${need[*]}"
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq "${need[@]}" >/dev/null
