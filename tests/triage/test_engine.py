"""The engine's decisions beyond single rules: windows, unknowns, questions, negation."""

import pytest

from bot.triage import Finding, assess


def test_no_finding_is_routine():
    result = assess([], {})
    assert result.level == "routine" and result.categories == [] and result.rules == []


def test_negated_symptom_is_not_present():
    result = assess([Finding("fever", negated=True)], {"days_since_infusion": 1})
    assert result.level == "routine"
    assert result.symptoms == [{"id": "fever", "text": "fever", "negated": True}]


def test_highest_level_wins_and_every_category_is_reported():
    result = assess(["fever", "bleeding_gums", "face_drooping"], {"days_since_infusion": 1})
    assert result.level == "emergency"
    assert set(result.categories) == {"stroke", "infusion_reaction", "bleeding", "infection"}
    assert result.categories[0] == "stroke", "the emergency category is named first"


@pytest.mark.parametrize("days,level", [(0, "urgent"), (2, "urgent"), (3, "routine"), (21, "routine")])
def test_infusion_window_for_a_headache_that_is_not_sudden(days, level):
    assert assess(["headache"], {"days_since_infusion": days, "sudden_onset": False}).level == level


def test_unknown_time_counts_as_inside_the_window():
    result = assess(["rash"], {})
    assert result.level == "urgent"
    assert result.questions == ["days_since_infusion"]


def test_neck_pain_with_unknown_time_asks_when_the_infusion_was_and_is_urgent_meanwhile():
    result = assess(["neck_pain"], {})
    assert result.level == "urgent"
    assert result.questions == ["days_since_infusion"]


def test_neck_pain_whose_time_stays_unknown_after_asking_is_an_emergency():
    result = assess(["neck_pain"], {"asked": ["days_since_infusion"]})
    assert result.level == "emergency"
    assert "stroke.neck_pain" in result.rules
    assert result.questions == []


def test_neck_pain_with_a_red_flag_is_answered_at_once():
    result = assess(["neck_pain", "face_drooping"], {})
    assert result.level == "emergency"
    assert result.questions == []


@pytest.mark.parametrize("days,level", [(0, "emergency"), (3, "emergency"), (4, "urgent"), (10, "urgent")])
def test_neck_pain_stroke_window(days, level):
    assert assess(["neck_pain"], {"days_since_infusion": days}).level == level


def test_headache_asks_how_it_started_first_then_when_the_infusion_was():
    result = assess(["headache"], {})
    assert result.level == "urgent"
    # while the onset is unknown the infusion time cannot change the level (urgent either way)
    assert result.questions == ["sudden_onset"]
    after = assess(["headache"], {"sudden_onset": False, "asked": ["sudden_onset"]})
    assert after.questions == ["days_since_infusion"]


def test_questions_already_asked_are_not_asked_again():
    assert assess(["headache"], {"sudden_onset": False, "asked": ["sudden_onset"]}).questions == ["days_since_infusion"]
    # the person could not say how it started: urgent at any time, nothing more to ask
    cannot_say = assess(["headache"], {"asked": ["sudden_onset"]})
    assert cannot_say.questions == [] and cannot_say.level == "urgent"


def test_at_most_two_questions_in_a_conversation():
    assert assess(["headache"], {"asked": ["sudden_onset", "days_since_infusion"]}).questions == []


def test_a_question_only_when_the_answer_changes_the_level():
    # fever is urgent at any time (infection): the infusion time cannot change the level
    assert assess(["fever"], {}).questions == []


def test_sudden_headache_from_the_finding_itself():
    result = assess([Finding("headache", sudden_onset=True)], {})
    assert result.level == "emergency" and "stroke.sudden_severe_headache" in result.rules
    assert result.questions == []


def test_during_infusion_counts_as_day_zero():
    result = assess(["nausea"], {"during_infusion": True, "days_since_infusion": 30})
    assert result.level == "urgent"
    assert result.context["during_infusion"] is True


def test_racing_heart_alone_is_urgent_with_faintness_an_emergency():
    assert assess(["racing_heartbeat"], {"days_since_infusion": 9}).level == "urgent"
    assert assess(["racing_heartbeat", "feeling_faint"], {"days_since_infusion": 9}).level == "emergency"


def test_nausea_alone_after_the_window_is_routine_with_appetite_loss_urgent():
    assert assess(["nausea"], {"days_since_infusion": 9}).level == "routine"
    assert assess(["nausea", "loss_of_appetite"], {"days_since_infusion": 9}).categories == ["liver"]


def test_payload_shape():
    payload = assess([Finding("face_drooping", text="face is drooping")], {"days_since_infusion": 1}).payload()
    assert payload == {
        "triage": {
            "level": "emergency",
            "categories": ["stroke"],
            "symptoms": [{"id": "face_drooping", "text": "face is drooping", "negated": False}],
            "context": {"days_since_infusion": 1},
            "reasons": ["face drooping is a warning sign of a stroke or a torn artery in the head or neck (seed line 23)"],
            "rules": ["stroke.face_drooping"],
        }
    }


def test_unknown_symptom_id_is_an_error():
    with pytest.raises(ValueError, match="unknown symptom"):
        assess(["purple_elephants"], {})


def test_a_one_shot_assessment_does_not_wait_for_the_time_but_lists_the_question():
    result = assess(["neck_pain"], {}, dialogue=False)
    assert result.level == "emergency"
    assert result.questions == []  # a red flag already: nothing to ask before acting
    assert assess(["rash"], {}, dialogue=False).questions == ["days_since_infusion"]
