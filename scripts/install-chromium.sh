#!/usr/bin/env bash
# Installs Debian's chromium package for the local-mode browser tests (driven by puppeteer-core; no
# browser is downloaded by npm), with an emoji font so the screenshots show the bot's emoji.
# Idempotent: does nothing when chromium is already on PATH (and the font, where dpkg can tell).
set -euo pipefail
has_font() { ! command -v dpkg >/dev/null 2>&1 || dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; }
if command -v chromium >/dev/null 2>&1 && has_font; then
  echo "chromium already installed: $(command -v chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium and put it on PATH as 'chromium'" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji
command -v chromium
