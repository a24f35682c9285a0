"""data/triage/known_words.txt must follow the lexicon: a real English word a letter away from
a new lexicon word ("waist" ~ "wrist") would otherwise be read as a misspelled symptom."""

import importlib.util
from pathlib import Path

from bot.triage.knowledge import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
WORDS = Path("/usr/share/dict/american-english")


def load_script():
    spec = importlib.util.spec_from_file_location("make_known_words", ROOT / "scripts" / "make_known_words.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_known_words_are_up_to_date():
    assert WORDS.exists(), "the word list is missing: run scripts/install_browser.sh (Debian's wamerican)"
    listed = {
        line.strip() for line in (DATA_DIR / "known_words.txt").read_text().splitlines() if line and not line.startswith("#")
    }
    expected = load_script().collisions(str(WORDS))
    assert listed == expected, "run: python scripts/make_known_words.py"
