"""Words around a finding that change its meaning: a headache that came on suddenly, and
who the symptom belongs to (the caller or someone else)."""

from __future__ import annotations

import re

NOT_SUDDEN = re.compile(
    r"\b(not (?:sudden|suddenly|that bad|too bad|severe|bad)|mild|slight|dull|gradual|gradually|slowly|"
    r"(?<!nothing like my )(?<!nothing like the )(?<!not my )usual|(?<!is it )(?<!is this )(?<!is that )(?<!it is )(?<!like a )(?<!like my )normal|typical|little|minor|crept up|on and off|comes and goes|"
    r"same as always|tension)\b"
)
SUDDEN = re.compile(
    r"\b(sudden|suddenly|all at once|out of nowhere|out of no where|out of the blue|zero to (?:ten|10)|0 to 10|thunderclap|worst|explod\w*|"
    r"came on fast|came on quick\w*|within seconds|in seconds|like being hit|hit me like|like a bomb|"
    r"never had (?:one|a headache|anything|a head ache)? ?(?:like|this bad|so bad)|instantly|10/10|10 out of 10|"
    r"in a (?:split )?second|in an instant|like a bolt|bang|firework\w*|went off|something (?:go|went) pop|"
    # second-language wordings: "it come one time very fast", "all in one time, like a thunder fell",
    # "never have pain like this before", "like somebody hit with the hammer"
    r"(?:all )?(?:in|at) one time|(?:came|come|comes|coming) (?:on )?(?:one time )?(?:very |so |really )?fast|"
    r"never (?:have|had|felt|get|got) (?:a |any )?pain like|like (?:a )?thunder\w*|"
    r"like (?:somebody|someone|somebody's|someone's) (?:hit|hitting|struck|smashed)|(?:someone|somebody) (?:whacked|hit|struck|smacked|clobbered|thumped|bashed)|"
    r"lightning|like nothing (?:i|i've|i have|he|she|he's|she's|he has|she has) ?(?:has |have )?(?:ever|had|felt|known))\b"
)
NOT_GRADUAL = re.compile(r"\b(?:not|was not|wasn't|never) (?:gradual|gradually|slow|slowly)\b")
OTHER_PERSON = re.compile(
    r"\b(my (?:[a-z]+ )?(?:wife|husband|partner|son|daughter|mom|mum|mother|dad|father|brother|sister|child|kid|"
    r"boyfriend|girlfriend|friend|grandma|grandmother|grandpa|grandfather|aunt|uncle|neighbou?r|patient|"
    r"spouse|fiance|fiancee)|he|she|him|his|her|they|their|the patient|the caller|caller|patient)\b"
)


def headache_onset(sentence: str) -> bool | None:
    """True: sudden and severe; False: said to be mild or gradual; None: not said."""
    s = sentence.lower()
    if NOT_GRADUAL.search(s):
        return True
    if NOT_SUDDEN.search(s):
        return False
    if SUDDEN.search(s):
        return True
    return None


# "I have never had a headache like this": no denial, the worst one yet
NEVER_LIKE_THIS = re.compile(
    r"\bnever (?:ever )?(?:had|have|felt|experienced|known|get|got) (?:a |an |any |such )?(?:[a-z]+ ){0,3}?"
    r"(?:like (?:this|it|that|this one)|this (?:bad|severe|painful|strong|much)|so bad|as bad)\b"
)


def never_like_this(sentence: str, start: int) -> bool:
    """The finding starting at character `start` of the sentence lies in a "never had one like this"."""
    return any(m.start() <= start < m.end() for m in NEVER_LIKE_THIS.finditer(sentence.lower()))


def about_someone_else(sentence: str) -> bool:
    return bool(OTHER_PERSON.search(sentence.lower()))


# the one with the signs is said not to be a patient: "she's not the one on treatment, I am",
# "my daughter is 8 and not on any medicine", "wrong chat, nothing about me"
NOT_THE_PATIENT = re.compile(
    r"\b(not the one (?:on|having|getting|receiving) (?:the |any )?(?:treatment|lemtrada|alemtuzumab|infusions?|drip)"
    r"|(?:is|are|'s|’s|has|have) (?:not|never) (?:been )?on (?:any |the )?(?:ms |other |such |similar )?(?:medicine|medication|medications|meds|treatment|lemtrada|alemtuzumab|drugs|of these drugs|anything)"
    r"|not (?:taking|having|on) (?:any )?(?:medicine|medication|medications|meds|treatment|lemtrada|anything)"
    r"|nothing (?:to do with|about) me|wrong chat)\b"
)


def not_the_patient(text: str) -> bool:
    return bool(NOT_THE_PATIENT.search(text.lower()))


LONG_STANDING = re.compile(
    r"\b(for (?:months|years|ages|a long time|the last \w+ (?:months|years))|(?:months|years) now|"
    r"since (?:i was|childhood|my diagnosis)|my whole life|all my life|always (?:been|had)|reading glasses|optician)\b"
)
NEW_OR_WORSE = re.compile(
    r"\b(sudden\w*|today|tonight|this morning|worse|worsening|new|now|just (?:now|started|happened|came on|begun|began)|"
    r"since (?:the|my) (?:infusion|drip))\b"
)


def long_standing(sentence: str) -> bool:
    """Said to be long-standing, and nothing says it is new or worse."""
    s = sentence.lower()
    return bool(LONG_STANDING.search(s)) and not NEW_OR_WORSE.search(s)


# "I had shingles years ago and I think it's back": the past sign is here again
BACK_AGAIN = re.compile(
    r"\b(?:it is|it's|its|they are|they're|is|are) back\b|\b(?:came|come|comes|coming) back\b|\bback again\b"
)


def back_again(sentence: str) -> bool:
    return bool(BACK_AGAIN.search(sentence.lower()))


# A sign placed years back ("a nosebleed on a plane in 2009", "bleeding gums as a teenager",
# "his face drooped in 2019") is history, not a report, unless the same sentence brings it
# back to now ("... and now it is happening again").
LONG_AGO = re.compile(
    r"\b(?:in|back in|during) (?P<year>(?:19|20)\d\d)\b"
    r"|\b(?:in|back in) the (?:(?:19)?[5-9]0'?s|nineties|eighties|seventies|sixties)\b"
    r"|\bas a (?:teenager|teen|youngster|young (?:man|woman|girl|boy|lad|lass)|student|toddler|baby)\b"
    r"|\bwhen (?:i|he|she) (?:was|were) (?:a (?:kid|child|teenager|teen|student|baby|toddler)|little|young|younger|"
    r"at (?:school|uni|university|college)|(?:about |around )?(?:\d+|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty))\b"
    r"|\bin (?:my|his|her) (?:teens|teenage years|twenties|thirties|school days|youth)\b"
    r"|\b(?:decades|donkey's years|many years|years) (?:ago|back)\b"
)
BROUGHT_BACK = re.compile(
    r"\b(again|this time|since then|ever since|still|came back|come back|coming back|started again|"
    r"another|and now|now (?:i|my|it|she|he|there|her|his)|today|tonight|this morning|right now|just now|"
    # the time of the treatment, not of the sign: "had my course in 2023 and my gums bleed"
    r"infusion|infusions|course|courses|lemtrada|alemtuzumab|treatment|drip|dose|round|"
    r"(?:is|are|am|keeps|keep|been) \w+ing)\b"
)


def long_ago(sentence: str, this_year: int, at: int | None = None) -> bool:
    """The part of the sentence around character `at` (between words of contrast: "shingles in
    2019, but my glands are swollen now") places what it tells at least two years back, and
    the sentence does not bring it back to now."""
    s = sentence.lower()
    part = s if at is None else clause_at(s, at)
    found = [m for m in LONG_AGO.finditer(part) if not m.group("year") or int(m.group("year")) <= this_year - 2]
    return bool(found) and not BROUGHT_BACK.search(s) and not BACK_AGAIN.search(s)


CONTRAST = re.compile(r"\b(?:but|however|although|though|whereas|yet)\b|;")


def clause_at(sentence: str, at: int) -> str:
    """The stretch of the sentence around character `at` between words of contrast."""
    starts = [0, *(m.end() for m in CONTRAST.finditer(sentence) if m.end() <= at)]
    ends = [m.start() for m in CONTRAST.finditer(sentence) if m.start() >= at] + [len(sentence)]
    return sentence[max(starts) : min(ends)]


# an animal's signs ("my dog threw up twice", "my cat has a lump on her neck"; the animal the
# subject, not "chest pain when walking the dog"): not a patient's,
# unless the sentence also speaks of the writer ("my dog knocked me over and my face is numb")
PET = re.compile(
    r"\b(?:my|our) (?:old |little |poor |new )?(?:dog|dogs|cat|cats|horse|horses|puppy|kitten|pup|pony|"
    r"rabbit|hamster|parrot|budgie|pet|pets|guinea pig|bunny)(?:'s| has| had| is| was| threw| keeps| kept| got| seems| looks|"
    r" hid| freaked| went| started| just| been| did| does| can| cannot| can't| won't| will| isn't| wasn't)\b"
)
WRITER = re.compile(r"\b(?:i|i'm|im|i've|me|myself|mine)\b")


def about_a_pet(sentence: str) -> bool:
    s = sentence.lower()
    return bool(PET.search(s)) and not WRITER.search(PET.sub(" ", s))


# "is slurred speech a side effect? mine started an hour ago": asked like a question, said as
# a report; the person has it now
REPORTED = re.compile(
    r"\b(?:mine|his|hers) (?:started|began|came on|has been|is)\b"
    r"|\bi (?:have|have got|got) (?:it|this|that|one) (?:now|since|too|already|right now)\b"
    r"|\basking for (?:me|myself)\b"
    r"|\bit (?:started|began|came on) (?:about )?(?:an hour|half an hour|\d+ (?:minutes|mins|hours|hrs)|"
    r"this morning|this afternoon|tonight|last night|yesterday|today)\b"
    # "they told me to look out for a droopy face and my face is drooping now": a sign said to
    # be watched for, then reported in the same breath
    r"|\b(?:and|but) (?:now |today )?(?:my|his|her) (?:\w+ ){1,2}(?:is|are) (?:\w+ing|swollen|numb|weak|slurred|stiff|yellow|blurry|blurred)\b"
    # "... a side effect? got it about an hour after my infusion", "noticed it this morning",
    # "having them right now": the sign, by a pronoun, placed in time
    # (the writer's: said with no subject or with "I", not "my aunt had one years ago")
    r"|(?:^|(?<=[.?!,;] )|(?<=[.?!,;])|(?<=\bi )|(?<=\bi have )|(?<=\bi've )|(?<=\bi am )|(?<=\bi'm )|(?<=\bim )|(?<=\band ))"
    r"(?<!if i )(?<!if you )(?<!when i )(?<!when you )(?:noticed|spotted|found|saw|got|had|felt|started|developed|getting|having|feeling) "
    r"(?:it|this|that|them|these|those|one|some)\b(?= [^.?!]{0,30}\b(?:now|today|tonight|yesterday|this morning|this afternoon|"
    r"this evening|last night|ago|since|earlier|(?:minutes?|mins?|hours?|hrs?) after|for (?:a|an|the|two|three|four|five|a couple|a few|several|\d+)\b))"
    # "it's been aching for a couple of days"
    r"|\b(?:it's|its|it has|it is|they've|they have|they're|they are) been \w+ing (?:for|since|all|on and off|constantly|non-?stop)\b"
    # "wife says I look strange": what someone sees in the person now
    r"|\b(?:says|said|thinks|reckons|told me) (?:that )?(?:i|he|she) (?:look|looks|looked|seem|seems|seemed|sound|sounds|sounded)\b"
)


# "I keep thinking about hurting myself, is that a side effect?": an ongoing first-person
# report, whatever question follows it ("if I keep getting ..." stays a question)
REPORTED_ONGOING = re.compile(
    r"(?<!if )(?<!when )\bi (?:keep|kept|have been|am|have got|have had) (?:on )?(?:having|getting|feeling|thinking|seeing|"
    r"noticing|coughing|bleeding|bruising|vomiting|throwing up|waking up|hearing)\b"
)


def reported_as_own(text: str) -> bool:
    """The text says the person (or the one they speak for) has the sign now."""
    lower = text.lower()
    return bool(REPORTED.search(lower) or REPORTED_ONGOING.search(lower))


# a word asked about, not a report: "what does petechiae mean?", "what is a thunderclap
# headache?", "does a fever count as an infusion reaction?", "if my face ever drooped, ..."
_PERSONAL = re.compile(r"\b(?:i|me|my|mine|he|she|his|her|him|we|our|they|their|it|this|that|when|since)\b")
# (pattern, the part made hypothetical: the term or the whole question, whether a personal word
# in the term makes it a report after all: "what does it mean when my gums bleed")
ASKED_ABOUT = [
    (re.compile(r"\bwhat (?:does|do|did) (?P<term>[^?.!]{1,60}?) (?:actually |really |exactly )?(?:mean|stand for)\b"), "term", True),
    (re.compile(r"\b(?:what is|what's|what are) (?:meant by |the meaning of |the difference between )?(?P<term>[^?.!,]{1,50})\?"), "term", True),
    (re.compile(r"\b(?:explain|tell me) what (?:[^?.!]{0,40}) (?:meant|means) by (?P<term>[^?.!]{1,50})"), "term", True),
    # both sides of "count as"
    (re.compile(r"\b(?:does|do|would|is|are) (?:a |an |the )(?P<term>[^?.!,]{1,40}?) (?:count as|counted as|considered|classed as)[^?.!]*"), 0, True),
    (re.compile(r"\bif (?:my|his|her|i|he|she|someone|you|your) (?P<term>[^?.!]{1,50}?)\bever\b[^?.!]*"), 0, False),
    # a sign of anyone at all, inside an information question: "what does it mean if your face
    # droops?", "what should I do when you get a fever?" ("is it normal if you get chest pain"
    # and "if anyone had mentioned my skin looks jaundiced" stay reports)
    (re.compile(r"\b(?:what (?:does it|would it|does that|would that) mean|what happens|what (?:should|do|would|can) (?:i|we|you|they) do|"
                r"who (?:do|should) (?:i|we|you) call|how (?:do|would|can|will) (?:i|we|you) (?:know|tell)) "
                r"(?:if|when) (?:you|your|you're|a person|people|someone) (?P<term>[^?.!,;]{1,60})"), "term", False),
    (re.compile(r"\bwhat (?:does|do|would|should) (?P<term>[^?.!]{1,50}?) (?:actually |really |exactly )?(?:look|feel|sound) like\b"), "term", True),
    # what the medicine may do: "does lemtrada cause strokes?", "could it give me shingles?"
    (re.compile(r"\b(?:does|do|can|could|will|would|might) (?:lemtrada|alemtuzumab|this drug|the drug|this medicine|the medicine|"
                r"this treatment|the treatment|the infusions?|it) (?:also )?(?:cause|give (?:you|me|people)|lead to|increase|raise|bring on|make|trigger) (?P<term>[^?.!]{1,50})"), 0, False),
    # a question whether a sign is common or a known risk: "is a headache common after the drip?",
    # "Is stroke a known risk with my infusion?" ("is my headache normal?" stays a report)
    (re.compile(r"\b(?:is|are) (?:a |an |the )?(?P<term>[^?.!,]{1,40}?) (?:a |an )?(?:common|usual|known|listed|typical|rare|frequent|"
                r"likely)\b[^?.!]*\?"), "term", True),
    # "does that count for a stiff neck from sleeping funny?", "does that include stammering?"
    (re.compile(r"\b(?:does|do|would|will) (?:that|this|it) (?:count for|include|cover|apply to) (?P<term>[^?.!]{1,50})\?"), "term", True),
    # a sign someone may see, in general: "a programme about how your eyes can bulge out"
    (re.compile(r"\b(?:how|that|whether) (?:your|people's|someone's|a person's) (?P<term>[^?.!,;]{1,40}?) (?:can|could|may|might)\b[^?.!,;]{0,40}"), 0, False),
    # what to do on a sign, asked ahead: "the nurse asked me to message if I had any chest pain"
    (re.compile(r"\bto (?:message|tell|call|ring|contact|phone|text|report|let (?:you|them|her|him|us) know) (?:you |them |her |him |us )?"
                r"(?:if|when) (?:i|he|she|we|they) (?:had|have|get|got|notice|noticed|develop|developed) (?:any )?(?P<term>[^?.!,;]{1,50})"), "term", False),
]


def terms_asked_about(text: str) -> list[tuple[int, int]]:
    """Character spans of the text that name a sign only to ask about it."""
    lower, spans = text.lower(), []
    for pattern, part, personal_is_report in ASKED_ABOUT:
        for m in pattern.finditer(lower):
            if not (personal_is_report and _PERSONAL.search(m.group("term"))):
                spans.append(m.span(part))
    return spans


# a full stop (or an ellipsis) between two parts of a message, and the words of a part
_STOP = re.compile(r"(?:\.{1,3}|\u2026)(?=\s+\S)")
FRAGMENT_WORD = re.compile(r"[^\W\d_]+")
FRAGMENT_WORDS = 3
JOINED_SIGN_WORDS = 6  # a sign read across fragments is told in a few words


def fragments_joined(text: str) -> str | None:
    """The text with each full stop that cuts off a short fragment (three words or fewer on
    either side: "Lips. Swollen.", "Blood. When I cough.", "My neck. Right side, aching.") made
    a comma, keeping every character's place; None when there is no such stop."""
    stops = list(_STOP.finditer(text))
    if not stops:
        return None
    bounds = [0, *(m.end() for m in stops), len(text)]
    parts = [text[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
    short = [len(FRAGMENT_WORD.findall(p)) <= FRAGMENT_WORDS for p in parts]
    chars, changed = list(text), False
    for i, stop in enumerate(stops):
        if short[i] or short[i + 1]:
            chars[stop.start()] = ","
            for k in range(stop.start() + 1, stop.end()):
                chars[k] = " "
            changed = True
    return "".join(chars) if changed else None


# a checklist asked and answered: "Rash? No." "Chest? Fine." (not "Fever? Not sure.")
_SHORT_QUESTION = re.compile(r"^\W*(?:[\w'/-]+\W+){0,3}[\w'/-]+\s*\?+\s*$")
_BARE_DENIAL = re.compile(
    r"^\W*(?:no+|none|nope|nah|nil|negative|neg|not really|not at all|fine|normal|all good|good|ok|okay|clear)\W*$", re.I
)


def denied_in_answer(sentence: str, next_sentence: str) -> bool:
    """The sentence is a sign asked in a few words and the next one answers it with a bare no."""
    return bool(_SHORT_QUESTION.match(sentence) and _BARE_DENIAL.match(next_sentence))
