"""One case per triage rule: each fails if its rule is removed or changed in data/triage/."""

import pytest

from bot.triage import assess, load_knowledge

IN_WINDOW = {"days_since_infusion": 1}
LATE = {"days_since_infusion": 10}

# rule id -> (present symptoms, context, expected level)
RULE_CASES = {
    "infusion_reaction.headache": (["headache"], {**IN_WINDOW, "sudden_onset": False}, "urgent"),
    "infusion_reaction.fever": (["fever"], IN_WINDOW, "urgent"),
    "infusion_reaction.chills": (["chills"], IN_WINDOW, "urgent"),
    "infusion_reaction.flushing": (["flushing"], IN_WINDOW, "urgent"),
    "infusion_reaction.rash": (["rash"], IN_WINDOW, "urgent"),
    "infusion_reaction.nausea": (["nausea"], {"during_infusion": True}, "urgent"),
    "infusion_reaction.vomiting": (["vomiting"], {"days_since_infusion": 2}, "urgent"),
    "infusion_reaction.shortness_of_breath": (["shortness_of_breath"], IN_WINDOW, "urgent"),
    "infusion_reaction.tiredness": (["tiredness"], IN_WINDOW, "urgent"),
    "infusion_reaction.dizziness": (["dizziness"], {"days_since_infusion": 0}, "urgent"),
    "infusion_reaction.feeling_faint": (["feeling_faint"], IN_WINDOW, "urgent"),
    "infusion_reaction.swelling_face_throat": (["swelling_face_throat"], LATE, "emergency"),
    "infusion_reaction.trouble_breathing": (["trouble_breathing"], LATE, "emergency"),
    "infusion_reaction.chest_pain": (["chest_pain"], LATE, "emergency"),
    "infusion_reaction.fainting": (["fainting"], LATE, "emergency"),
    "infusion_reaction.racing_heart_with_faintness": (["racing_heartbeat", "dizziness"], LATE, "emergency"),
    "bleeding.bruising": (["bruising"], LATE, "urgent"),
    "bleeding.bleeding_gums": (["bleeding_gums"], LATE, "urgent"),
    "bleeding.nosebleed": (["nosebleed"], LATE, "urgent"),
    "bleeding.slow_clotting": (["slow_clotting"], LATE, "urgent"),
    "bleeding.heavy_periods": (["heavy_periods"], LATE, "urgent"),
    "bleeding.petechiae": (["petechiae"], LATE, "urgent"),
    "bleeding.blood_in_urine": (["blood_in_urine"], LATE, "urgent"),
    "bleeding.easy_bleeding": (["easy_bleeding"], LATE, "urgent"),
    "bleeding.coughing_blood": (["coughing_blood"], LATE, "emergency"),
    "bleeding.bleeding_wont_stop": (["bleeding_wont_stop"], LATE, "emergency"),
    "bleeding.bleeding_that_will_not_stop": (["nosebleed", "still_bleeding"], LATE, "emergency"),
    "anemia.tiredness": (["tiredness"], LATE, "urgent"),
    "anemia.racing_heartbeat": (["racing_heartbeat"], LATE, "urgent"),
    "anemia.shortness_of_breath": (["shortness_of_breath"], LATE, "urgent"),
    "anemia.trouble_breathing": (["trouble_breathing"], LATE, "emergency"),  # also an infusion red flag, at any time
    "anemia.pale_skin": (["pale_skin"], LATE, "urgent"),
    "anemia.breathless_at_rest": (["breathless_at_rest"], LATE, "emergency"),
    "anemia.chest_pain": (["chest_pain"], LATE, "emergency"),
    "anemia.fainting": (["fainting"], LATE, "emergency"),
    "infection.fever": (["fever"], LATE, "urgent"),
    "infection.sore_throat": (["sore_throat"], LATE, "urgent"),
    "infection.swollen_lymph_nodes": (["swollen_lymph_nodes"], LATE, "urgent"),
    "infection.chills": (["chills"], LATE, "urgent"),
    "infection.cold_sores": (["cold_sores"], LATE, "urgent"),
    "infection.shingles": (["shingles"], LATE, "urgent"),
    "infection.flu_like": (["flu_like"], LATE, "urgent"),
    "infection.painful_urination": (["painful_urination"], LATE, "urgent"),
    "infection.infection_signs": (["infection_signs"], LATE, "urgent"),
    "infection.fever_stiff_neck": (["fever", "stiff_neck", "headache"], {**LATE, "sudden_onset": False}, "emergency"),
    "kidney.urine_amount_change": (["urine_amount_change"], LATE, "urgent"),
    "kidney.painful_urination": (["painful_urination"], LATE, "urgent"),
    "kidney.blood_in_urine": (["blood_in_urine"], LATE, "urgent"),
    "kidney.dark_urine": (["dark_urine"], LATE, "urgent"),
    "kidney.foamy_urine": (["foamy_urine"], LATE, "urgent"),
    "kidney.swollen_ankles": (["swollen_ankles"], LATE, "urgent"),
    "stroke.one_sided_weakness": (["one_sided_weakness"], LATE, "emergency"),
    "stroke.face_drooping": (["face_drooping"], LATE, "emergency"),
    "stroke.trouble_speaking": (["trouble_speaking"], LATE, "emergency"),
    "stroke.trouble_understanding": (["trouble_understanding"], LATE, "emergency"),
    "stroke.vision_change": (["vision_change"], LATE, "emergency"),
    "stroke.confusion": (["confusion"], LATE, "emergency"),
    "stroke.loss_of_balance": (["loss_of_balance"], LATE, "emergency"),
    "stroke.stroke_suspected": (["stroke_suspected"], LATE, "emergency"),
    "stroke.sudden_severe_headache": (["headache"], {**LATE, "sudden_onset": True}, "emergency"),
    "stroke.headache_onset_unknown": (["headache"], {**LATE, "asked": ("sudden_onset",)}, "urgent"),
    "stroke.headache_onset_and_time_unknown": (["headache"], {"asked": ("sudden_onset", "days_since_infusion")}, "urgent"),
    "stroke.neck_pain": (["neck_pain"], {"days_since_infusion": 3}, "emergency"),
    "stroke.neck_pain_after_window": (["neck_pain"], {"days_since_infusion": 4}, "urgent"),
    "stroke.neck_pain_time_unknown": (["stiff_neck"], {}, "urgent"),
    "cancer.lump": (["lump"], LATE, "urgent"),
    "cancer.trouble_swallowing": (["trouble_swallowing"], LATE, "urgent"),
    "cancer.hoarseness": (["hoarseness"], LATE, "urgent"),
    "cancer.skin_change": (["skin_change"], LATE, "urgent"),
    "cancer.mole_change": (["mole_change"], LATE, "urgent"),
    "cancer.nonhealing_sore": (["nonhealing_sore"], LATE, "urgent"),
    "thyroid.weight_change": (["weight_change"], LATE, "urgent"),
    "thyroid.sweating": (["sweating"], LATE, "urgent"),
    "thyroid.feeling_hot_or_cold": (["feeling_hot_or_cold"], LATE, "urgent"),
    "thyroid.nervousness": (["nervousness"], LATE, "urgent"),
    "thyroid.eye_bulging": (["eye_bulging"], LATE, "urgent"),
    "thyroid.racing_heartbeat": (["racing_heartbeat"], LATE, "urgent"),
    "liver.jaundice": (["jaundice"], LATE, "urgent"),
    "liver.dark_urine": (["dark_urine"], LATE, "urgent"),
    "liver.right_belly_pain": (["right_belly_pain"], LATE, "urgent"),
    "liver.nausea_and_appetite_loss": (["nausea", "loss_of_appetite"], LATE, "urgent"),
    "mental_health.suicidal_thoughts": (["suicidal_thoughts"], LATE, "emergency"),
}


def test_every_rule_has_a_case():
    rule_ids = {r.id for r in load_knowledge().rules}
    assert rule_ids == set(RULE_CASES), "add or remove cases in RULE_CASES to match data/triage/rules.yml"


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires_with_its_level(rule_id):
    symptoms, context, level = RULE_CASES[rule_id]
    result = assess(symptoms, context)
    assert rule_id in result.rules
    assert result.level == level
    assert rule_id.split(".")[0] in result.categories
    assert result.reasons and all("(" in r for r in result.reasons), "every reason cites its source"


def test_a_late_headache_whose_onset_is_not_known_yet_is_asked_about_first():
    result = assess(["headache"], LATE)
    assert result.questions == ["sudden_onset"]


@pytest.mark.parametrize("sudden,level", [(True, "emergency"), (False, "routine")])
def test_a_late_headache_whose_onset_was_said(sudden, level):
    result = assess(["headache"], {**LATE, "sudden_onset": sudden, "asked": ("sudden_onset",)})
    assert result.level == level
    assert "stroke.headache_onset_unknown" not in result.rules
