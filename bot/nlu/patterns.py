"""Compile the phrase syntax of data/triage/symptoms.yml into spaCy Matcher patterns.

Misspellings: a typed word may be a letter or two off a lexicon word only if it is not itself
a known English word, so "feaver" is a fever while "never" and "fewer" are not. The
comparison (make_fuzzy_compare) runs once per unknown typed word, before matching: the
extractor sets each token's NORM to the lexicon word it stands for (Spelling), and the
patterns compare NORM exactly. spaCy's FUZZY operator did the same inside the Matcher, but
called Python for every token against every one of the ~8,000 patterns (a quarter of a turn).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.matcher.levenshtein import levenshtein

GAP = re.compile(r"^~(\d*)$")
DEFAULT_GAP = 4
# a gap never runs over a negation or the end of a sentence: "a lump in my neck, does not
# hurt" is no neck pain
GAP_STOPS = ["not", "no", "never", "none", "without", "but", "however", "although", "because", "nor", ".", "!", "?", ";"]


def _word_pattern(word: str) -> dict:
    optional = word.endswith("?") and len(word) > 1
    word = word.rstrip("?") if optional else word
    if len(word) > 2 and word.startswith("/") and word.endswith("/"):
        spec: dict = {"LOWER": {"REGEX": word[1:-1]}}
    elif word.endswith("*") and len(word) > 1:
        spec: dict = {"LOWER": {"REGEX": "^" + re.escape(word[:-1].lower())}}
    else:
        choices = [w.lower() for w in word.split("|") if w]
        spec = {"NORM": {"IN": choices}} if len(choices) > 1 else {"NORM": choices[0]}
    if optional:
        spec["OP"] = "?"
    return spec


_PART = re.compile(r"\([^)]*\)\??|\S+")


def compile_phrase(phrase: str) -> list[list[dict]]:
    """One phrase -> spaCy token patterns (a group of word sequences gives one pattern
    per sequence)."""
    patterns: list[list[dict]] = [[]]
    for part in _PART.findall(phrase):
        gap = GAP.match(part)
        if gap:
            n = int(gap.group(1) or DEFAULT_GAP)
            options = [[{"LOWER": {"NOT_IN": GAP_STOPS}, "OP": f"{{0,{n}}}"}]]
        elif part.startswith("("):
            optional = part.endswith("?")
            inner = part.rstrip("?")[1:-1]
            options = [[_word_pattern(w) for w in alt.split()] for alt in inner.split("|") if alt.strip()]
            if optional:
                options.append([])
        else:
            options = [[_word_pattern(part)]]
        patterns = [p + option for p in patterns for option in options]
    return [p for p in patterns if p]


def lexicon_words(phrases: Iterable[str]) -> set[str]:
    words = set()
    for phrase in phrases:
        for part in phrase.split():
            for w in part.strip("()?*").split("|"):
                if w and not w.startswith("~"):
                    words.add(w.lower())
    return words


def load_known_words(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def max_edits(word: str) -> int:
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


def _swapped(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def make_fuzzy_compare(known_words: set[str]) -> Callable[[str, str, int], bool]:
    """The comparison spaCy's Matcher calls for every FUZZY token."""

    def compare(typed: str, pattern_word: str, fuzzy: int = -1) -> bool:
        typed = typed.lower()
        if typed == pattern_word:
            return True
        if typed in known_words or not typed.isalpha():
            return False
        if len(typed) >= 4 and _swapped(typed, pattern_word):  # "wieght", "nekc": two letters swapped is one slip
            return True
        edits = max_edits(pattern_word)
        if edits == 0 or abs(len(typed) - len(pattern_word)) > edits:
            return False
        return levenshtein(typed, pattern_word, edits) <= edits

    return compare


_RUN = re.compile(r"(.)\1{2,}")


class Spelling:
    """A typed word -> the lexicon word it stands for: itself when it is a lexicon or known
    word (or not a plain word), else the closest lexicon word it may be a slip of, if any."""

    def __init__(self, lexicon: set[str], known_words: set[str]):
        self._compare = make_fuzzy_compare(known_words)
        self._known = known_words | lexicon
        self._lexicon = lexicon
        self._by_length: dict[int, list[str]] = {}
        # 4-letter words too: two swapped letters ("nekc") are one slip at any length
        for word in sorted(w for w in lexicon if w.isalpha() and (max_edits(w) > 0 or len(w) >= 4)):
            self._by_length.setdefault(len(word), []).append(word)
        self._cache: dict[str, str] = {}

    def __call__(self, typed: str) -> str:
        typed = typed.lower()
        found = self._cache.get(typed)
        if found is None:
            found = (
                typed
                if typed in self._known or not typed.isalpha()
                else self._stretched(typed) or self._doubled(typed) or self._closest(typed)
            )
            if len(self._cache) < 100_000:
                self._cache[typed] = found
        return found

    def _doubled(self, typed: str) -> str | None:
        """A word typed with one letter doubled ("legg", "boddy", "stopp"): the lexicon word it
        is without that letter (words under 5 letters have no other misspelling allowance)."""
        for i in range(1, len(typed)):
            if typed[i] == typed[i - 1] and (single := typed[:i] + typed[i + 1 :]) in self._lexicon:
                return single
        return None

    def _stretched(self, typed: str) -> str | None:
        """A word typed with a letter held down ("sooo dizzyyy", "hurtsss"): the known word it
        becomes with the run cut to two letters or one, or the lexicon word closest to that."""
        if not _RUN.search(typed):
            return None
        for squeezed in (_RUN.sub(r"\1\1", typed), _RUN.sub(r"\1", typed)):
            if squeezed in self._known:
                return squeezed
        return self._closest(_RUN.sub(r"\1\1", typed))

    def _closest(self, typed: str) -> str:
        """Fewest edits; between equals, a word with the same first letter ("yelow" is
        "yellow", not "below"), then the same last letter ("throwt" is "throat", not "throw")."""
        best, best_key = typed, (99, True, True)
        for length in range(len(typed) - 2, len(typed) + 3):
            for word in self._by_length.get(length, ()):
                if self._compare(typed, word):
                    edits = 1 if _swapped(typed, word) else levenshtein(typed, word, 2)
                    key = (edits, word[0] != typed[0], word[-1] != typed[-1])
                    if key < best_key:
                        best, best_key = word, key
        return best


def default_known_words(lexicon: set[str], extra: set[str]) -> set[str]:
    return {w.lower() for w in STOP_WORDS} | lexicon | extra


class IndexedMatcher:
    """spaCy's Matcher over the lexicon's ~36,000 token patterns, run only on the patterns whose
    first word is in the message: the same matches (1.1 ms a case text instead of 35 ms).

    spaCy's Matcher starts every pattern at every token and checks its first word there, so a
    message cost the same 5 ms whatever it said (a third of a Rasa worker's time under load).
    Here the patterns are grouped by the words their first token accepts, one Matcher per
    group; a message runs the groups that one of its words (its NORM, typos already mapped)
    opens, plus the groups whose first token is not a plain word (a regex, an optional word),
    which always run. A pattern's matches do not depend on the other patterns, so the union is
    what one Matcher over all of them returns."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._groups: dict[frozenset | None, Matcher] = {}
        self._by_word: dict[str, list[Matcher]] = {}
        self._always: list[Matcher] = []
        self._keys: set[str] = set()

    @staticmethod
    def _first_words(pattern: list[dict]) -> frozenset | None:
        """The NORM values the pattern's first token accepts; None when it is not a plain word."""
        first = pattern[0]
        if "OP" in first or set(first) != {"NORM"}:
            return None
        norm = first["NORM"]
        if isinstance(norm, str):
            return frozenset([norm])
        if isinstance(norm, dict) and set(norm) == {"IN"}:
            return frozenset(norm["IN"])
        return None

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        self._keys.add(key)
        grouped: dict[frozenset | None, list] = {}
        for pattern in patterns:
            grouped.setdefault(self._first_words(pattern), []).append(pattern)
        for words, group in grouped.items():
            matcher = self._groups.get(words)
            if matcher is None:
                # spaCy checks each pattern against its JSON schema (pydantic) when it is added: 16 of
                # the 21 s the lexicon took to load, at every start of every process. The patterns come
                # from compile_phrase only; tests/nlu/test_indexed_matcher.py checks them all.
                matcher = self._groups[words] = Matcher(self.vocab, validate=False)
                if words is None:
                    self._always.append(matcher)
                else:
                    for word in words:
                        self._by_word.setdefault(word, []).append(matcher)
            matcher.add(key, group)

    def __len__(self) -> int:
        return len(self._keys)

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        chosen = {id(m): m for m in self._always}
        for token in doc:
            for matcher in self._by_word.get(token.norm_, ()):
                chosen[id(matcher)] = matcher
        found: set[tuple[int, int, int]] = set()
        for matcher in chosen.values():
            found.update(matcher(doc))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))
