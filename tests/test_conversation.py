"""A triage conversation, turn by turn, without Rasa."""

from bot.conversation import TriageState, take_turn
from bot.nlu.time_expressions import InfusionTime
from bot.triage import Finding


def test_red_flag_gets_advice_at_once():
    state, turn = take_turn(TriageState(), "report_symptoms", [Finding("face_drooping")])
    assert turn.kind == "advice" and turn.assessment.level == "emergency"
    assert state.pending_question is None and state.asked == []


def test_headache_asks_two_questions_then_advises():
    state, turn = take_turn(TriageState(), "report_symptoms", [Finding("headache")])
    assert turn.kind == "question" and turn.question == "sudden_onset"
    state, turn = take_turn(state, "deny", [])
    assert turn.kind == "question" and turn.question == "days_since_infusion"
    assert state.sudden_onset is False
    state, turn = take_turn(state, "give_time", [], answer=InfusionTime(21))
    assert turn.kind == "advice" and turn.assessment.level == "routine"
    assert state.days_since_infusion == 21


def test_yes_to_sudden_onset_is_an_emergency():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("headache")])
    _, turn = take_turn(state, "affirm", [])
    assert turn.kind == "advice" and turn.assessment.level == "emergency"


def test_unanswered_question_is_not_asked_again_and_escalation_stays():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("rash")])
    assert state.pending_question == "days_since_infusion"
    state, turn = take_turn(state, "deny", [])  # "I don't know"
    assert turn.kind == "advice" and turn.assessment.level == "urgent"


def test_a_second_message_with_a_new_symptom_reassesses_everything():
    state, turn = take_turn(TriageState(), "report_symptoms", [Finding("fever")])
    assert turn.assessment.level == "urgent"
    state, turn = take_turn(state, "report_symptoms", [Finding("trouble_speaking")])
    assert turn.assessment.level == "emergency"
    assert {"fever", "trouble_speaking"} <= set(turn.assessment.present)


def test_a_correction_replaces_the_earlier_word():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("fever")])
    state, turn = take_turn(state, "report_symptoms", [Finding("fever", negated=True)])
    assert turn.assessment.level == "routine"


def test_time_given_later_corrects_the_window():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("neck_pain")], infusion=InfusionTime(1))
    state, turn = take_turn(state, "give_time", [], infusion=InfusionTime(10))
    assert turn.assessment.level == "urgent" and state.days_since_infusion == 10


def test_a_complaint_with_no_listed_sign_is_routine():
    _, turn = take_turn(TriageState(), "report_symptoms", [])
    assert turn.kind == "advice" and turn.assessment.level == "routine"


def test_a_bare_yes_with_nothing_reported_asks_what_is_wrong():
    _, turn = take_turn(TriageState(), "affirm", [])
    assert turn.kind == "ask_symptoms"


def test_yes_after_advice_does_not_repeat_the_advice():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("fever")])
    _, turn = take_turn(state, "affirm", [])
    assert turn.kind == "anything_else"


def test_a_worded_answer_to_the_sudden_onset_question():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("headache")])
    _, turn = take_turn(state, "out_of_scope", [], text="it hit me like a thunderclap")
    assert turn.kind == "advice" and turn.assessment.level == "emergency"


def test_a_question_about_a_symptom_is_not_a_report():
    _, turn = take_turn(TriageState(), "report_symptoms", [Finding("nosebleed", negated=True, hypothetical=True)])
    assert turn.kind == "hypothetical"


def test_a_headache_said_to_have_crept_up_keeps_that_onset():
    slow = Finding("headache", sudden_onset=False)
    state, turn = take_turn(TriageState(), "report_symptoms", [slow], InfusionTime(21))
    assert turn.kind == "advice" and turn.assessment.level == "routine"
    assert state.findings[0]["sudden_onset"] is False


def test_a_late_headache_the_person_cannot_describe_is_urgent():
    state, turn = take_turn(TriageState(), "report_symptoms", [Finding("headache")], InfusionTime(21))
    assert turn.kind == "question" and turn.question == "sudden_onset"
    _, turn = take_turn(state, "deny", [], text="no idea, I was asleep")
    assert turn.kind == "advice" and turn.assessment.level == "urgent"


def test_no_to_the_onset_question_does_not_take_back_the_headache_named_in_the_reply():
    state, turn = take_turn(TriageState(), "report_symptoms", [Finding("headache")])
    assert turn.question == "sudden_onset"
    reply = "no, same as my usual migraines, came on slowly"
    state, turn = take_turn(state, "deny", [Finding("headache", negated=True)], text=reply)
    assert state.sudden_onset is False
    assert turn.kind == "question" and turn.question == "days_since_infusion"
    _, turn = take_turn(state, "give_time", [], answer=InfusionTime(1), text="yesterday")
    assert turn.assessment.level == "urgent" and "infusion_reaction" in turn.assessment.categories


def test_cannot_remember_leaves_the_onset_unknown():
    state, _ = take_turn(TriageState(), "report_symptoms", [Finding("headache")])
    state, turn = take_turn(state, "deny", [], text="can't remember, I woke up with it")
    assert state.sudden_onset is None
    # urgent whatever the time: no question, and both warnings it may be are named
    assert turn.kind == "advice" and turn.assessment.level == "urgent"
    assert set(turn.assessment.categories) == {"infusion_reaction", "stroke"}
