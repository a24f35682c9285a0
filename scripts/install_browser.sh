#!/usr/bin/env bash
# Install the Debian packages the tests need: Chromium and ChromeDriver for the browser tests
# (tests/web/, tests/nurse/) and the English word list (wamerican) that checks
# data/triage/known_words.txt. Idempotent: does nothing when all are already there.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -f /usr/share/dict/american-english ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "==> installing Debian's chromium, chromium-driver (browser tests) and wamerican (word list)"
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver wamerican >/dev/null
/usr/bin/chromium --version
/usr/bin/chromedriver --version
