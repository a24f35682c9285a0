"""Spell out contractions and SMS shorthand before matching, keeping a map back to the
characters the person typed, so every finding can quote their own words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[\w'/&+-]+")
# nurse notes: "R side", "L-sided weakness" (a lone "r" is otherwise SMS for "are")
_SIDE = re.compile(r"^(r|l)(?:-(sided?))?$", re.I)
_SIDE_NEXT = re.compile(r"\s*(sided?|arm|leg|hand|face)\b", re.I)
_SIDES = {"r": "right", "l": "left"}
# nurse notes: "d3 post-infusion", "d2 of course" (not "vitamin D3")
_DAY = re.compile(r"^d(\d{1,2})$", re.I)
_DAY_NEXT = re.compile(r"[\s-]*(post|of|after)\b", re.I)


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    _starts: tuple[int, ...]  # for each character of text, where it starts in original
    _ends: tuple[int, ...]  # ... and where it ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.text or start >= end:
            return (0, 0)
        return self._starts[start], self._ends[end - 1]


class Normaliser:
    """Keys of the shorthand written in capitals match only in capitals ("HA" in a nurse's
    note, not "ha ha"); keys that are not words (emoji) are read as the words they stand for."""

    def __init__(self, shorthand: dict[str, str]):
        self._caps = {k: v for k, v in shorthand.items() if k.isupper() and len(k) > 1}
        self._shorthand = {k.lower().translate(_APOSTROPHES): v for k, v in shorthand.items() if k not in self._caps}
        symbols = sorted((k for k in shorthand if not _WORD.fullmatch(k)), key=len, reverse=True)
        self._word = re.compile("|".join([*(re.escape(k) for k in symbols), _WORD.pattern]))

    def _replacement(self, word: str, after: str = "") -> str | None:
        if word in self._caps:
            return self._caps[word]
        key = word.lower()
        side = _SIDE.match(key)
        if side and (side.group(2) or _SIDE_NEXT.match(after)):
            return _SIDES[side.group(1).lower()] + (f" {side.group(2).lower()}" if side.group(2) else "")
        day = _DAY.match(key)
        if day and _DAY_NEXT.match(after):
            return f"day {day.group(1)}"
        if key in self._shorthand:
            return self._shorthand[key]
        # "dizzy-ness", "light-headed": drop the hyphen inside a word
        if "-" in key.strip("-"):
            joined = key.replace("-", "")
            if key.endswith("-ness") or key.startswith("light-"):
                return joined
            # "a-bleedin": each part is spelled out too
            return " ".join(self._shorthand.get(part, part) for part in key.split("-") if part)
        return None

    def __call__(self, original: str) -> Normalised:
        text = unicodedata.normalize("NFKC", original or "")
        # NFKC can change lengths; keep a simple 1:1 map when it does not
        if len(text) != len(original or ""):
            original = text
        text = text.translate(_APOSTROPHES)
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for match in self._word.finditer(text):
            for i in range(pos, match.start()):
                out.append(text[i])
                starts.append(i)
                ends.append(i + 1)
            word = match.group(0)
            replacement = self._replacement(word, text[match.end() : match.end() + 8])
            if replacement is None:
                for i, ch in enumerate(word):
                    out.append(ch)
                    starts.append(match.start() + i)
                    ends.append(match.start() + i + 1)
            else:
                # an emoji read as " blood " adds no second space next to one already there
                # (spaCy makes a token of a double space, and tokens count in a phrase's gap)
                if replacement.startswith(" ") and (not out or out[-1].isspace()):
                    replacement = replacement[1:]
                if replacement.endswith(" ") and (match.end() >= len(text) or text[match.end()].isspace()):
                    replacement = replacement[:-1]
                for ch in replacement:
                    out.append(ch)
                    starts.append(match.start())
                    ends.append(match.end())
            pos = match.end()
        for i in range(pos, len(text)):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        return Normalised(original or "", "".join(out), tuple(starts), tuple(ends))
