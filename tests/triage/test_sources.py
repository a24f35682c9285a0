"""Every seed source quotes the line it names, so each rule is traceable to the seed."""

import os
from pathlib import Path

import pytest

from bot.triage import load_knowledge

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(os.environ.get("SEED_FILE", ROOT.parent / "shared" / "seed" / "alemtuzumab-patient-info.txt"))


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not beside the repo ({SEED}); set SEED_FILE")
def test_seed_quotes_are_on_their_lines():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    seed_sources = {k: v for k, v in load_knowledge().sources.items() if v["document"] == "seed"}
    assert len(seed_sources) >= 5
    for sid, src in seed_sources.items():
        assert src["quote"] in lines[src["line"] - 1], f"{sid}: quote not on seed line {src['line']}"
