#!/usr/bin/env bash
# Installs the PostgreSQL server binaries the store tests start a throwaway cluster with
# (test/setup/postgres.ts looks for /usr/lib/postgresql/*/bin/initdb). Idempotent: does nothing when
# they are there. Debian/Ubuntu only; needs root (or sudo). Creates no cluster and starts nothing.
set -euo pipefail
shopt -s nullglob
found=(/usr/lib/postgresql/*/bin/initdb)
if [ "${#found[@]}" -gt 0 ]; then
  echo "PostgreSQL already installed: ${found[*]}"
  exit 0
fi
command -v apt-get >/dev/null || { echo "install-postgres: apt-get not found (Debian/Ubuntu only); install PostgreSQL yourself or set AUTHBOT_TEST_POSTGRES_URL" >&2; exit 1; }
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql
