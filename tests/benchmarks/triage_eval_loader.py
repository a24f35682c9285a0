"""benchmarks/ is not a package: load triage_eval.py from its path."""

import importlib.util
import sys
from pathlib import Path

_path = Path(__file__).resolve().parents[2] / "benchmarks" / "triage_eval.py"
_spec = importlib.util.spec_from_file_location("triage_eval", _path)
triage_eval = importlib.util.module_from_spec(_spec)
sys.modules["triage_eval"] = triage_eval  # dataclasses look their module up while it loads
_spec.loader.exec_module(triage_eval)
