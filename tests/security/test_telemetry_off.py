"""Rasa reports usage and crashes to its vendor unless told not to: a clinic's server must not
send anything anywhere by default."""

from __future__ import annotations

import os
import subprocess

from servers import ROOT


def _env_without_setting() -> dict:
    return {k: v for k, v in os.environ.items() if k != "RASA_TELEMETRY_ENABLED"}


def test_every_make_target_runs_rasa_with_telemetry_off():
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "show-telemetry: ; @echo $$RASA_TELEMETRY_ENABLED", "show-telemetry"],
        cwd=ROOT, env=_env_without_setting(), capture_output=True, text=True, timeout=60,
    )
    assert done.stdout.strip() == "false"


def test_the_start_scripts_turn_it_off_unless_told_otherwise():
    for script in ("scripts/run.sh", "scripts/run_prod.sh"):
        text = (ROOT / script).read_text()
        assert 'export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"' in text, script
