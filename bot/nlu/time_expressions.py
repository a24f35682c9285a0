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
UNIT_DAYS = {"hour": 0, "day": 1, "night": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SEASON_DAYS = 180  # "last spring": long past every window, which is all that matters

# durations that name no number ("ages ago", "a while ago"): read as about two months
VAGUE_WORDS = r"(?:ages|a long time|long time|a while|months)"

_NUM = r"(\d+|a couple of|a couple|couple of|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
INFUSION = re.compile(
    r"\b(infusions?|infused|drip|iv|treatment|treatments|dose|doses|course|lemtrada|alemtuzumab|"
    r"campath|round|cycle|last one|my meds|medication|medicine)\b"
    r"|\bpost(?= *(?:[.,;!?)]|$))"  # a nurse's "14/12 post", "day 3 post"
)
DURING = re.compile(
    r"\b(during|while (?:getting|having|on|receiving|at)|in the middle of|right now at|currently (?:getting|having|on)|"
    r"still on|hooked up to|getting|having|receiving|on) (?:my |the |an |a |this |today's )?(?:\w+ )?"
    r"(drip|infusion|iv|lemtrada|alemtuzumab)\b(?! (?:yesterday|last|ago|on|was|tomorrow|next))"
)
DURING_SIMPLE = re.compile(r"\b(at the infusion (?:center|centre|clinic|suite)|on the drip|hooked up)\b")
DAY_OF_COURSE = re.compile(
    rf"\bday {_NUM}(?:/\d| of \d| out of \d)? (?:of|in) (?:my |the |this |our |his |her |their |[a-z]+'s )?"
    r"(?:(?:first|second|third|1st|2nd|3rd|next|last) )?(?:\d+[ -]day )?"
    r"(?:course|treatment|infusions?|round|cycle|lemtrada)\b"
    rf"|\b(?:{_NUM}|\d+(?:st|nd|rd|th)) (?:day|infusion) (?:of|in) (?:my |the |this )?(?:course|treatment|round|cycle)\b"
    r"|\b(?:in the middle of|halfway through) (?:my |the )?(?:course|treatment)\b"
)
DAY_N = re.compile(rf"\b(?:on )?day {_NUM}(?: post| after)?\b")
BARE_DAY_N = re.compile(rf"(?:on )?day {_NUM}")  # without "post" / "after": maybe a day of the course
AGO = re.compile(
    rf"\b{_NUM} (hours?|days?|nights?|weeks?|fortnights?|months?|years?) (?:ago|back|since|after|post|before now|later)\b"
    r"|\b(hours?|days?|weeks?|months?|years?) ago\b"
)
# "5 days" with no "ago" is a duration ("a 5 day course"), read only as an answer to the question
DURATION = re.compile(rf"\b{_NUM} (hours?|days?|nights?|weeks?|fortnights?|months?|years?)\b")
# "no infusion for 8 months", "haven't had treatment in a year"
NONE_FOR = re.compile(
    rf"\b(?:no|not had an?|have not had an?|haven't had an?|not had|have not had) (?:infusion|treatment|dose|lemtrada|drip)s? "
    rf"(?:for|in) (?:over |about |nearly |almost )?{_NUM} (hours?|days?|weeks?|fortnights?|months?|years?)\b"
)
# clinical shorthand: 6/52 = six weeks, 3/7 = three days, 2/12 = two months
CLINICAL = re.compile(r"\b(\d{1,2})/(7|52|12)\b")
FIXED = [
    (re.compile(r"\b(the )?day before yesterday\b"), 2),
    (re.compile(r"\byesterday|last night\b"), 1),
    (re.compile(r"\b(today|this morning|this afternoon|this evening|tonight|earlier|just now|just had|just finished|an hour ago|hours ago|few hours)\b"), 0),
    (re.compile(r"\blast week|a week ago|the other week\b"), 7),
    (re.compile(r"\blast month|a month ago\b"), 30),
    (re.compile(r"\blast year|a year ago\b"), 365),
    (re.compile(r"\b(last|this past) (spring|summer|fall|autumn|winter|christmas|easter|thanksgiving|new year)\b"), SEASON_DAYS),
    (re.compile(r"\b(in|during) the (spring|summer|fall|autumn|winter)\b"), SEASON_DAYS),
    (re.compile(rf"\b{VAGUE_WORDS} ago\b"), 60),
]
WEEKDAY = re.compile(r"\b(?:(last|this past|on|this) )?(" + "|".join(WEEKDAYS) + r")\b")
DATE = re.compile(
    r"\b(?:on )?(?:the )?(\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?|the \d{1,2}(?:st|nd|rd|th)"
    r"|(?<=in )(?:january|february|march|april|june|july|august|september|october|november|december))\b"
)
TODAY_IS = re.compile(
    r"\b(?:today(?:'s| is|s)?|it is|it's|its|now it's|now it is) (?:now )?(?:a )?(" + "|".join(WEEKDAYS) + r")\b"
)
TODAY_IS_DATE = re.compile(r"\b(?:today(?:'s| is|s)?|it is|it's|its) (?:now )?the (\d{1,2})(?:st|nd|rd|th)?\b")
YEAR = re.compile(r"\b(?:in|back in|during) (20\d\d)\b")
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


ORDINAL_DAY = re.compile(r"^(?:the )?(\d{1,2})(?:st|nd|rd|th)?$")


def _day_of_month(day: int, today: dt.date, said_day: int | None) -> int | None:
    """Days since "the 3rd": this month's, or last month's when it is still to come (dateparser
    reads a bare "2nd" as February)."""
    if said_day is not None:
        return said_day - day if said_day >= day else None
    if day <= today.day:
        return today.day - day
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    try:
        return (today - last_month.replace(day=day)).days
    except ValueError:
        return None


def _candidates(
    sentence: str, today: dt.date, answering: bool = False, said_day: int | None = None, said_weekday: int | None = None
) -> list[tuple[int, int, str, bool]]:
    """Every time expression of a sentence: (position, days, matched text, during)."""
    s = sentence.lower()
    found: list[tuple[int, int, str, bool]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, days: int, during: bool = False) -> None:
        if any(m.start() < end and start < m.end() for start, end in taken):
            return  # part of an expression already read ("day 2 of my course" is not "day 2")
        taken.append((m.start(), m.end()))
        found.append((m.start(), days, m.group(0), during))

    weekday_today = today.weekday() if said_weekday is None else said_weekday
    said_today = TODAY_IS.search(s)  # "today's Tuesday": count weekdays from what they say
    if said_today:
        weekday_today = WEEKDAYS.index(said_today.group(1))
        taken.append((said_today.start(), said_today.end()))
    said_date = TODAY_IS_DATE.search(s)  # "today is the 4th" (or said in another sentence)
    if said_date:
        taken.append((said_date.start(), said_date.end()))
        said_day = int(said_date.group(1))
    for m in list(DURING.finditer(s)) + list(DURING_SIMPLE.finditer(s)):
        add(m, 0, True)
    for m in DAY_OF_COURSE.finditer(s):
        add(m, 0)
    for m in NONE_FOR.finditer(s):
        add(m, _number(m.group(1)) * UNIT_DAYS[m.group(2).rstrip("s")])
    for m in CLINICAL.finditer(s):
        add(m, int(m.group(1)) * {"7": 1, "52": 7, "12": 30}[m.group(2)])
    for m in list(AGO.finditer(s)) + (list(DURATION.finditer(s)) if answering else []):
        if m.group(1):
            n, unit = _number(m.group(1)), m.group(2).rstrip("s")
        else:
            n, unit = 2, m.group(3).rstrip("s")
        add(m, n * UNIT_DAYS[unit] if unit != "hour" else (0 if n < 24 else n // 24))
    for pattern, days in FIXED:
        for m in pattern.finditer(s):
            add(m, days)
    for m in DAY_N.finditer(s):
        add(m, _number(m.group(1)))
    for m in YEAR.finditer(s):
        year = int(m.group(1))
        if year < today.year:
            add(m, (today - dt.date(year, 12, 31)).days)
    for m in WEEKDAY.finditer(s):
        back = (weekday_today - WEEKDAYS.index(m.group(2))) % 7
        if back == 0 and m.group(1) in ("last", "this past"):
            back = 7
        add(m, back)
    for m in DATE.finditer(s):
        ordinal = ORDINAL_DAY.match(m.group(1).strip())
        if ordinal:
            days = _day_of_month(int(ordinal.group(1)), today, said_day)
            if days is not None:
                add(m, days)
            continue
        when = dateparser.parse(
            m.group(1).replace("the ", ""),
            languages=["en"],
            settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12))},
        )
        if when is not None and said_day is not None and said_day >= when.day:
            add(m, said_day - when.day)  # same month as the day they say it is
        elif when is not None and when.date() <= today:
            add(m, (today - when.date()).days)
    return found


CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|but|while|since|because)\b")


def _clause_index(sentence: str):
    """position -> which clause of the sentence it is in ("stiff neck today, had lemtrada
    3 weeks ago": the infusion's time is the second clause's)."""
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(sentence)]
    return lambda position: sum(b <= position for b in breaks)


# "honestly I can't remember, a while ago?": a vague time from someone who says they do not
# know is no time at all (the rules then treat it as unknown, which escalates)
UNSURE = re.compile(
    r"\b(?:can ?not remember|can't remember|cannot remember|do not know|don't know|dont know|not sure|no idea|"
    r"unsure|forget|forgot|forgotten)\b(?!\s+(?:if|whether|why|what|how|it|that)\b)"
)
VAGUE = re.compile(rf"\b{VAGUE_WORDS}\b")
SOMETIME = re.compile(r"\b(?:sometime|some time|at some point)\b")  # "not sure, sometime last month?"


def infusion_time(text: str, today: dt.date | None = None, answering: bool = False) -> InfusionTime | None:
    """The time since the last infusion that the text gives, or None."""
    found = _infusion_time(text, today, answering)
    lower = text.lower()
    vague = found is not None and (VAGUE.fullmatch(found.text.lower().removesuffix(" ago")) or SOMETIME.search(lower))
    if vague and UNSURE.search(lower):
        return None
    return found


def _infusion_time(text: str, today: dt.date | None, answering: bool) -> InfusionTime | None:
    today = today or dt.date.today()
    if answering:
        bare = BARE_NUMBER.match(text.lower())
        if bare:
            return InfusionTime(int(bare.group(1)), False, bare.group(0).strip())
    said = TODAY_IS_DATE.search(text.lower())
    said_day = int(said.group(1)) if said else None
    # "Infusion day 3 was Friday. ... Today is Sunday.": weekdays count from the day they say it is
    said_weekday = TODAY_IS.search(text.lower())
    weekday = WEEKDAYS.index(said_weekday.group(1)) if said_weekday else None
    for sentence in _sentences(text):
        candidates = _candidates(sentence, today, answering, said_day, weekday)
        # a bare "day 5" may be a day of the course: any other time said in the sentence wins
        # ("Day 5, my last infusion day, was the day before yesterday")
        clearer = [c for c in candidates if not BARE_DAY_N.fullmatch(c[2])]
        candidates = clearer or candidates
        if not candidates:
            continue
        lower = sentence.lower()
        anchors = [m.start() for m in INFUSION.finditer(lower)]
        if anchors and len(DAY_N.findall(lower)) >= 2 and len(candidates) >= 2:
            # a course told day by day ("day 1 was Monday, day 5 was Friday"): the last
            # infusion is the most recent day named
            _, days, said, during = min(candidates, key=lambda c: (c[1], not c[3]))
            return InfusionTime(days, during, said)
        if anchors:  # the expression in the infusion's clause, else the nearest one
            clause_of = _clause_index(lower)
            _, days, said, during = min(
                candidates,
                key=lambda c: min((clause_of(c[0]) != clause_of(a), abs(c[0] - a)) for a in anchors),
            )
            return InfusionTime(days, during, said)
        if answering or any(c[3] for c in candidates) or DAY_OF_COURSE.search(lower):
            # an answer that gives two times ("Friday, so two days ago") is read by the counted one,
            # a weekday names no week; between two counted times the more recent one, which keeps the
            # infusion windows open
            if answering:
                key = lambda c: (not c[3], bool(WEEKDAY.search(c[2])), c[1])  # noqa: E731
            else:
                key = lambda c: (not c[3], c[0])  # noqa: E731
            _, days, said, during = min(candidates, key=key)
            return InfusionTime(days, during, said)
    return None
