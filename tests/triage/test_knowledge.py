"""Loading data/triage/ refuses bad knowledge with an error naming the file and entry."""

import shutil
from pathlib import Path

import pytest
import yaml

from bot.triage import KnowledgeError, load_knowledge
from bot.triage.knowledge import DATA_DIR


@pytest.fixture
def kb_dir(tmp_path):
    target = tmp_path / "triage"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_shipped_knowledge_loads():
    kb = load_knowledge()
    assert len(kb.categories) == 10
    assert set(kb.windows) == {"infusion", "stroke"} and kb.windows == {"infusion": 2, "stroke": 3}
    assert all(r.source in kb.sources for r in kb.rules)


def test_unknown_symptom_in_a_rule(kb_dir):
    edit(kb_dir / "rules.yml", lambda d: d["rules"].append(
        {"id": "stroke.x", "category": "stroke", "level": "emergency", "source": "seed.stroke", "all": ["hiccups"]}))
    with pytest.raises(KnowledgeError, match=r"rules\.yml: rule 'stroke\.x' names unknown symptom\(s\) hiccups"):
        load_knowledge(kb_dir)


def test_rule_without_source(kb_dir):
    edit(kb_dir / "rules.yml", lambda d: d["rules"][0].pop("source"))
    with pytest.raises(KnowledgeError, match=r"rules\.yml: rule 'infusion_reaction\.headache' has no source"):
        load_knowledge(kb_dir)


def test_rule_citing_an_unknown_source(kb_dir):
    edit(kb_dir / "rules.yml", lambda d: d["rules"][0].update(source="seed.nowhere"))
    with pytest.raises(KnowledgeError, match="unknown source 'seed.nowhere'"):
        load_knowledge(kb_dir)


def test_unknown_category(kb_dir):
    edit(kb_dir / "rules.yml", lambda d: d["rules"][0].update(category="gout"))
    with pytest.raises(KnowledgeError, match="unknown category 'gout'"):
        load_knowledge(kb_dir)


def test_unknown_window(kb_dir):
    edit(kb_dir / "rules.yml", lambda d: d["rules"][0].update(window="fortnight"))
    with pytest.raises(KnowledgeError, match="unknown window 'fortnight'"):
        load_knowledge(kb_dir)


def test_duplicate_phrase_names_both_symptoms(kb_dir):
    edit(kb_dir / "symptoms.yml", lambda d: d["symptoms"]["fever"]["phrases"].append("Shaking  chills"))
    with pytest.raises(KnowledgeError, match=r"symptoms\.yml: phrase .* of symptom 'chills' is already listed under 'fever'"):
        load_knowledge(kb_dir)


def test_seed_source_needs_line_and_quote(kb_dir):
    edit(kb_dir / "sources.yml", lambda d: d["sources"]["seed.stroke"].pop("quote"))
    with pytest.raises(KnowledgeError, match="seed source 'seed.stroke' needs a line number and a quote"):
        load_knowledge(kb_dir)


def test_symptom_used_by_no_rule(kb_dir):
    edit(kb_dir / "symptoms.yml", lambda d: d["symptoms"].update(hiccups={"name": "hiccups", "phrases": ["hiccups"]}))
    with pytest.raises(KnowledgeError, match="hiccups are used by no rule"):
        load_knowledge(kb_dir)


def test_broken_yaml_names_the_file(kb_dir):
    (kb_dir / "windows.yml").write_text("windows: [unclosed\n")
    with pytest.raises(KnowledgeError, match=r"windows\.yml: not valid YAML"):
        load_knowledge(kb_dir)


def test_missing_file_names_the_file(kb_dir):
    (kb_dir / "categories.yml").unlink()
    with pytest.raises(KnowledgeError, match=r"categories\.yml: file is missing"):
        load_knowledge(kb_dir)
