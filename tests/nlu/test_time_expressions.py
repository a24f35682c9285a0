"""Time since the last infusion from relative expressions."""

import datetime as dt

import pytest

from bot.nlu.time_expressions import infusion_time

THURSDAY = dt.date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    "text,days,during",
    [
        ("I feel sick during the drip", 0, True),
        ("rash while getting my infusion", 0, True),
        ("I had my infusion yesterday", 1, False),
        ("my infusion was 3 weeks ago", 21, False),
        ("I'm on day 2 of my course", 0, False),
        ("on day 4 of my first course", 0, False),
        ("pt day 3/5 of course", 0, False),
        ("neck pain on day 10 after my infusion", 10, False),
        ("had the drip on Monday", 3, False),
        ("my last infusion was last spring", 180, False),
        ("treatment was two days ago", 2, False),
        ("last infusion a couple of days ago", 2, False),
        ("infusion this morning", 0, False),
        ("my last dose was on Nov 20", 6, False),
        ("my infusion was on the 20th", 6, False),
        ("had the drip on the 28th", 29, False),  # the 28th of last month
        ("Today's the 5th. I finished my course on the 3rd", 2, False),
        ("last infusion on the 2nd and it's the 20th today", 18, False),
    ],
)
def test_infusion_time(text, days, during):
    found = infusion_time(text, today=THURSDAY)
    assert found is not None and found.days == days and found.during_infusion is during


def test_a_time_that_is_not_about_the_infusion_is_ignored():
    assert infusion_time("I've had a headache since yesterday", today=THURSDAY) is None


@pytest.mark.parametrize(
    "answer,days",
    [("yesterday", 1), ("5 days ago", 5), ("10", 10), ("3 weeks", 21), ("last Tuesday", 2), ("today", 0)],
)
def test_answers_to_the_question_need_no_infusion_word(answer, days):
    found = infusion_time(answer, today=THURSDAY, answering=True)
    assert found is not None and found.days == days


def test_not_sure_is_no_time():
    assert infusion_time("not sure", today=THURSDAY, answering=True) is None


def test_the_extractor_reads_an_answer_time_like_the_full_extraction():
    from bot.nlu.extractor import default_extractor

    extractor = default_extractor()
    for text in ["yesterday", "10", "3 weeks", "not sure", "during the drip"]:
        assert extractor.answer_time(text, today=THURSDAY) == extractor.extract(text, today=THURSDAY, answering=True).infusion


def test_a_bare_day_n_gives_way_to_any_other_time_in_the_sentence():
    from bot.nlu.time_expressions import infusion_time

    said = infusion_time("Day 5, my last infusion day, was the day before yesterday.")
    assert said.days == 2
    assert infusion_time("rash, day 3 post").days == 3  # "post": days since the infusion
    assert infusion_time("day 4 of treatment, rash since this morning").days == 0


@pytest.mark.parametrize(
    "text,days",
    [
        ("honestly I can't remember, a while ago?", None),  # a vague time from someone unsure: unknown
        ("no idea, ages ago", None),
        ("a while ago", 60),
        ("not sure, 3 weeks ago", 21),  # a real time stays, however unsure
        ("months ago, not sure if it matters", 60),  # unsure about something else
    ],
)
def test_a_vague_time_from_someone_who_does_not_know_is_unknown(text, days):
    found = infusion_time(text, today=THURSDAY, answering=True)
    assert (found.days if found else None) == days


@pytest.mark.parametrize(
    "text,days",
    [
        ("Friday, so two days ago", 2),  # the counted time, not a weekday of an unknown week
        ("3 weeks ago, on a Tuesday", 21),
        ("on Monday", 3),
    ],
)
def test_an_answer_with_a_weekday_and_a_counted_time_is_read_by_the_count(text, days):
    assert infusion_time(text, today=THURSDAY, answering=True).days == days


def test_sometime_from_someone_unsure_is_an_unknown_time():
    assert infusion_time("not sure, sometime last month? I'd have to check", today=THURSDAY, answering=True) is None
    assert infusion_time("sometime last month", today=THURSDAY, answering=True).days == 30


@pytest.mark.parametrize(
    "text,days",
    [
        ("Infusion day 3, the last one, was Friday. Saturday we went out. Today is Sunday.", 2),
        ("My drip was on Monday. It's Wednesday now and my neck hurts.", 2),
    ],
)
def test_weekdays_count_from_the_day_the_message_says_it_is_in_another_sentence(text, days):
    assert infusion_time(text, today=THURSDAY).days == days


@pytest.mark.parametrize(
    "text,days",
    [
        ("Infusion day 1 was Monday, day 5 was Friday, today is Saturday.", 1),
        ("my treatment: day 1 on the 16th, day 3 on the 18th, today is the 20th", 2),
        ("course day 3 was Tuesday and day 1 was Sunday", 2),  # the order they are told in does not matter
    ],
)
def test_a_course_told_day_by_day_counts_from_its_last_day(text, days):
    assert infusion_time(text, today=THURSDAY).days == days
