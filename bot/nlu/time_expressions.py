"""Time since the last infusion, from what people write: "during the drip", "yesterday",
"on Monday", "day 2 of my course", "3 weeks ago", "last spring".

A time counts as the infusion's when its sentence speaks of the infusion, or when the
person is answering the bot's question about it (answering=True); otherwise "a headache
since yesterday" would be read as an infusion yesterday.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "couple": 2, "a couple": 2, "a couple of": 2, "couple of": 2, "few": 3, "a few": 3,
    "several": 4, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}
UNIT_DAYS = {"hour": 0, "day": 1, "night": 1, "week": 7, "month": 30, "year": 365}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SEASON_DAYS = 180  # "last spring": long past every window, which is all that matters

_NUM = r"(\d+|a couple of|a couple|couple of|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
INFUSION = re.compile(
    r"\b(infusions?|infused|drip|iv|treatment|treatments|dose|doses|course|lemtrada|alemtuzumab|"
    r"campath|round|cycle|last one|my meds|medication|medicine)\b"
)
DURING = re.compile(
    r"\b(during|while (?:getting|having|on|receiving|at)|in the middle of|right now at|currently (?:getting|having|on)|"
    r"still on|hooked up to|getting|having|receiving|on) (?:my |the |an |a |this |today's )?"
    r"(drip|infusion|iv|lemtrada|alemtuzumab)\b(?! (?:yesterday|last|ago|on|was|tomorrow|next))"
)
DURING_SIMPLE = re.compile(r"\b(at the infusion (?:center|centre|clinic|suite)|on the drip|hooked up)\b")
DAY_OF_COURSE = re.compile(
    rf"\bday {_NUM} (?:of|in) (?:my |the |this |our )?(?:course|treatment|infusions?|round|cycle|lemtrada)\b"
    rf"|\b(?:{_NUM}|\d+(?:st|nd|rd|th)) (?:day|infusion) (?:of|in) (?:my |the |this )?(?:course|treatment|round|cycle)\b"
    r"|\b(?:in the middle of|halfway through) (?:my |the )?(?:course|treatment)\b"
)
DAY_N = re.compile(rf"\b(?:on )?day {_NUM}\b")
AGO = re.compile(
    rf"\b{_NUM} (hours?|days?|nights?|weeks?|months?|years?)(?: ago| back| since| after| post| before now)?\b"
    r"|\b(hours?|days?|weeks?|months?|years?) ago\b"
)
FIXED = [
    (re.compile(r"\b(the )?day before yesterday\b"), 2),
    (re.compile(r"\byesterday|last night\b"), 1),
    (re.compile(r"\b(today|this morning|this afternoon|this evening|tonight|earlier|just now|just had|just finished|an hour ago|hours ago|few hours)\b"), 0),
    (re.compile(r"\blast week|a week ago|the other week\b"), 7),
    (re.compile(r"\blast month|a month ago\b"), 30),
    (re.compile(r"\blast year|a year ago\b"), 365),
    (re.compile(r"\b(last|this past) (spring|summer|fall|autumn|winter)\b"), SEASON_DAYS),
    (re.compile(r"\b(ages|a long time|long time|a while|months) ago\b"), 60),
]
WEEKDAY = re.compile(r"\b(?:(last|this past|on|this) )?(" + "|".join(WEEKDAYS) + r")\b")
DATE = re.compile(
    r"\b(?:on )?(?:the )?(\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?|the \d{1,2}(?:st|nd|rd|th))\b"
)
BARE_NUMBER = re.compile(r"^\s*(?:about |around |maybe )?(\d{1,3})\s*(?:d|days?)?\s*[.!]?\s*$")


@dataclass(frozen=True)
class InfusionTime:
    days: int | None
    during_infusion: bool = False
    text: str = ""


def _number(word: str) -> int:
    word = word.strip()
    return int(word) if word.isdigit() else NUMBERS.get(word, 1)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;\n])\s+", text) if s.strip()]


def _days_in(sentence: str, today: dt.date) -> tuple[int | None, str, bool]:
    """(days, matched text, during) for the first time expression of a sentence."""
    s = sentence.lower()
    m = DURING.search(s) or DURING_SIMPLE.search(s)
    if m:
        return 0, m.group(0), True
    m = DAY_OF_COURSE.search(s)
    if m:
        return 0, m.group(0), False
    m = AGO.search(s)
    if m:
        if m.group(1):
            n, unit = _number(m.group(1)), m.group(2).rstrip("s")
        else:
            n, unit = 2, m.group(3).rstrip("s")
        return n * UNIT_DAYS[unit] if unit != "hour" else (0 if n < 24 else n // 24), m.group(0), False
    for pattern, days in FIXED:
        m = pattern.search(s)
        if m:
            return days, m.group(0), False
    m = DAY_N.search(s)
    if m:
        return _number(m.group(1)), m.group(0), False
    m = WEEKDAY.search(s)
    if m:
        back = (today.weekday() - WEEKDAYS.index(m.group(2))) % 7
        if back == 0 and m.group(1) in ("last", "this past"):
            back = 7
        return back, m.group(0), False
    m = DATE.search(s)
    if m:
        when = dateparser.parse(
            m.group(1).replace("the ", ""),
            languages=["en"],
            settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12))},
        )
        if when is not None and when.date() <= today:
            return (today - when.date()).days, m.group(0), False
    return None, "", False


def infusion_time(text: str, today: dt.date | None = None, answering: bool = False) -> InfusionTime | None:
    """The time since the last infusion that the text gives, or None."""
    today = today or dt.date.today()
    if answering:
        bare = BARE_NUMBER.match(text.lower())
        if bare:
            return InfusionTime(int(bare.group(1)), False, bare.group(0).strip())
    for sentence in _sentences(text):
        days, said, during = _days_in(sentence, today)
        if days is None:
            continue
        if answering or during or INFUSION.search(sentence.lower()) or DAY_OF_COURSE.search(sentence.lower()):
            return InfusionTime(days, during, said)
    return None
