#!/usr/bin/env bash
# Set up the Python 3.10 virtual environment with every pinned package (requirements.txt).
# Idempotent: `make` calls it only when requirements.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python3.10" /usr/bin/python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

PYTHON=$(find_python) || { echo "error: Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10); install it, e.g. pyenv install 3.10.13" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
echo "==> installing pinned Python packages (first run: several minutes, TensorFlow is large)"
.venv/bin/python -m pip install --quiet --upgrade "pip<24.1"
.venv/bin/python -m pip install --progress-bar on -r requirements.txt 2>&1 | grep -E "^(Collecting|Installing|Successfully|ERROR)" | sed -u 's/^/    /' || true
.venv/bin/python -c "import rasa, spacy, medspacy" || { echo "error: the Python packages did not install" >&2; exit 1; }
touch .venv/.installed
echo "==> Python packages ready"
