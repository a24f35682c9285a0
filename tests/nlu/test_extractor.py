"""Free text -> symptom findings: lay words, typos, negation, uncertainty, someone else."""

import pytest

from bot.nlu.extractor import default_extractor


@pytest.fixture(scope="module")
def extract():
    extractor = default_extractor()
    return lambda text, **kw: extractor.extract(text, **kw)


def present(extraction):
    return set(extraction.present)


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("I've been throwing up all night", "vomiting"),
        ("I can't catch my breath", "shortness_of_breath"),
        ("my pee is pink", "blood_in_urine"),
        ("my gums bleed when I brush", "bleeding_gums"),
        ("my face is drooping on one side", "face_drooping"),
        ("he's slurring his words", "trouble_speaking"),
        ("there are tiny purple dots on my shins", "petechiae"),
        ("my ankles are all puffy", "swollen_ankles"),
        ("my heart is pounding", "racing_heartbeat"),
        ("my eyes have gone yellow", "jaundice"),
        ("I'm wiped out", "tiredness"),
        ("the room is spinning", "dizziness"),
        ("I passed out in the kitchen", "fainting"),
        ("my throat feels like it's closing", "swelling_face_throat"),
        ("I'm wheezing", "trouble_breathing"),
        ("there's a lump in my neck", "lump"),
        ("I don't want to be alive anymore", "suicidal_thoughts"),
        ("my nose won't stop bleeding", "bleeding_wont_stop"),
        ("it burns when I pee", "painful_urination"),
        ("pain under my right ribs", "right_belly_pain"),
    ],
)
def test_lay_words(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("I have a feaver", "fever"),
        ("dizzy-ness since this morning", "dizziness"),
        ("I'm brused all over", "bruising"),
        ("cant breathe", "trouble_breathing"),
        ("pee pink 2day", "blood_in_urine"),
        ("bad hedache", "headache"),
        ("nauseus and shaky", "nausea"),
        ("my vission is blurry", "vision_change"),
    ],
)
def test_typos_and_shorthand(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text",
    ["I've never felt better", "fewer relapses this year", "I had my infusion today", "the weather is lovely"],
)
def test_real_words_are_not_read_as_misspelled_symptoms(extract, text):
    assert present(extract(text)) == set()


def test_negation_then_a_symptom_after_but(extract):
    result = extract("no fever but my gums bleed")
    fever = [f for f in result.findings if f.symptom == "fever"]
    assert fever and fever[0].negated
    assert "bleeding_gums" in present(result) and "fever" not in present(result)


@pytest.mark.parametrize(
    "text,negated,kept",
    [
        ("I don't have a fever or chills", {"fever", "chills"}, set()),
        ("denies chest pain", {"chest_pain"}, set()),
        ("I'm not suicidal, just tired", {"suicidal_thoughts"}, {"tiredness"}),
        ("the headache is gone", {"headache"}, set()),
        ("without any rash", {"rash"}, set()),
    ],
)
def test_negations(extract, text, negated, kept):
    result = extract(text)
    assert {f.symptom for f in result.findings if f.negated} >= negated
    assert present(result) == kept


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("not sure if my face is drooping", "face_drooping"),
        ("I think my speech might be slurred", "trouble_speaking"),
        ("maybe a little dizzy", "dizziness"),
        ("I can't lift my left arm", "one_sided_weakness"),
        ("my nose won't stop bleeding", "bleeding_wont_stop"),
    ],
)
def test_uncertainty_and_negative_words_that_are_not_negations_count_as_present(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("my wife can't lift her arm", "one_sided_weakness"),
        ("my husband is slurring his words", "trouble_speaking"),
        ("caller says her daughter's lips are swelling", "swelling_face_throat"),
    ],
)
def test_third_person(extract, text, symptom):
    result = extract(text)
    finding = next(f for f in result.findings if f.symptom == symptom)
    assert not finding.negated and finding.other_person


@pytest.mark.parametrize(
    "text",
    ["what should I do if I get a fever?", "can alemtuzumab cause a stroke?", "what are the signs of an infection"],
)
def test_questions_about_the_medicine_are_not_reports(extract, text):
    result = extract(text)
    assert result.findings and present(result) == set()


@pytest.mark.parametrize(
    "text,sudden",
    [
        ("worst headache of my life", True),
        ("a thunderclap headache", True),
        ("my head started pounding all of a sudden", True),
        ("a mild headache", False),
        ("headache that came on slowly", False),
        ("I have a headache", None),
    ],
)
def test_headache_onset(extract, text, sudden):
    headache = [f for f in extract(text).findings if f.symptom == "headache"]
    assert headache and headache[0].sudden_onset is sudden


def test_findings_quote_the_original_words(extract):
    text = "My gums won't stop bleedin and I can't catch my breath"
    for finding in extract(text).findings:
        assert text[finding.start:finding.end] == finding.text
    assert any(f.text == "can't catch my breath" for f in extract(text).findings)


def test_empty_and_odd_input_gives_no_finding(extract):
    for text in ["", "   ", "\u0000\u0007", "🙂🙂🙂", "a" * 5000]:
        assert extract(text).findings == []


@pytest.mark.parametrize(
    "text,kept",
    [
        ("my vision has been a bit blurry for years, I need reading glasses", False),
        ("my left leg has been numb for years from my MS", False),
        ("my left leg has been numb for years but today it suddenly got worse", True),
        ("my vision went blurry this morning", True),
    ],
)
def test_long_standing_sudden_signs(extract, text, kept):
    assert bool(present(extract(text)) & {"vision_change", "one_sided_weakness"}) is kept


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("pt c/o numbness L side of face", "one_sided_weakness"),
        ("R-sided weakness since this morning", "one_sided_weakness"),
        ("his foot keeps dragging behind him", "one_sided_weakness"),
        ("only one side of my mouth moves when I grin", "face_drooping"),
        ("her speech is garbled", "trouble_speaking"),
        ("it's like breathing through a straw", "trouble_breathing"),
        ("bled through three plasters already", "bleeding_wont_stop"),
        ("pressing on it doesn't help, it's still bleeding", "bleeding_wont_stop"),
        ("he keeps asking what day it is", "confusion"),
        ("my skin has a yellow tinge", "jaundice"),
        ("I've been stockpiling tablets", "suicidal_thoughts"),
        ("I just want to end things", "suicidal_thoughts"),
    ],
)
def test_nurse_notes_and_indirect_words(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,absent",
    [
        ("cramp woke me up in the night", "fainting"),  # waking "in the" night is not coming round
        ("weight's droppin off me", "face_drooping"),  # a dropped g is not a droop
        ("a bit chilly in the office today", "chills"),
        ("the cut stopped bleeding quickly", "easy_bleeding"),
        ("hoarse after screaming at the match", "hoarseness"),
        ("r u there", "one_sided_weakness"),  # a lone "r" is "are", not "right"
    ],
)
def test_ordinary_words_are_not_signs(extract, text, absent):
    assert absent not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("bruises for no reason and swollen ankles", "swollen_ankles"),  # "no reason" negates nothing
        ("not the worst headache I've had, but it's there", "headache"),
        ("my left hand won't grip a pen", "one_sided_weakness"),
    ],
)
def test_words_that_look_like_negation_are_not(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize("text", ["if I ever get a nosebleed, do I call you?", "is a rash something that happens to people?"])
def test_questions_about_a_sign_are_not_reports(extract, text):
    assert not extract(text).present


def test_an_animal_in_the_sentence_does_not_negate_the_persons_sign(extract):
    assert "chest_pain" in present(extract("walking the dog I had to stop with a crushing pain in my chest"))
    assert "diarrhoea" not in present(extract("the dog has diarrhoea"))  # not a listed sign either way
    assert not present(extract("my dog has a rash on his belly"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("what does petechiae mean? saw it on a leaflet", "petechiae"),
        ("What does 'thunderclap headache' actually mean?", "headache"),
        ("Does a fever count as an infusion reaction or as an infection?", "fever"),
        ("If my face ever drooped after an infusion, would that count as an emergency?", "face_drooping"),
        ("does the bleeding risk mean I can't play football?", "easy_bleeding"),
        ("my mum died of a stroke, should I still take it?", "stroke_suspected"),
    ],
)
def test_a_sign_named_only_to_ask_about_it_is_not_a_report(extract, text, symptom):
    found = [f for f in extract(text).findings if f.symptom == symptom]
    assert found and all(f.negated for f in found)


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("what is this rash on my arm?", "rash"),
        ("what does it mean when my gums bleed", "bleeding_gums"),
        ("I keep thinking about hurting myself, is that a side effect?", "suicidal_thoughts"),
        ("it's not my head that hurts, it's the left side of my neck", "neck_pain"),
        ("sore throat x10d not resolving", "sore_throat"),
    ],
)
def test_a_report_inside_a_question_or_a_contrast_stays_a_report(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("HA thunderclap onset 1h ago", "headache"),
        ("ST for 10 days", "sore_throat"),
        ("🤒 since yesterday", "fever"),
        ("🩸 in my pee", "blood_in_urine"),
        ("I CAN'T BREED and my lips are huge", "trouble_breathing"),
        ("I CAN'T BREED and my lips are huge", "swelling_face_throat"),
        ("my voice has been horse for a month", "hoarseness"),
        ("neck's been achy for a week", "neck_pain"),
        ("axillary lymphadenopathy, tender", "swollen_lymph_nodes"),
        ("changing naevus on my shoulder", "mole_change"),
        ("epistaxis 50 min, not controlled with pressure", "bleeding_wont_stop"),
        ("still bleeding through the towels", "bleeding_wont_stop"),
        ("ive got the pills saved up", "suicidal_thoughts"),
        ("couldn't understand the telly for a minute", "trouble_understanding"),
        ("my right leg keeps giving out", "one_sided_weakness"),
        ("the whites of my eyes have gone yelow", "jaundice"),  # "yellow", not "below"
        ("crick in my nekc", "neck_pain"),  # two letters swapped in a short word
    ],
)
def test_nurse_abbreviations_emoji_and_dictation_slips(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize("text", ["ha ha very funny", "I rode a horse today", "took my vitamin D3 today"])
def test_look_alikes_of_those_words_are_nothing(extract, text):
    assert present(extract(text)) == set()


def test_a_long_denial_list_denies_every_item(extract):
    found = extract("pt denies CP, SOB, HA, fever, rash. calling about next date").findings
    assert {f.symptom for f in found} >= {"chest_pain", "headache", "fever", "rash"}
    assert all(f.negated for f in found)


@pytest.mark.parametrize("text,days", [("vomited once. 14/12 post", 420), ("HA mild. d1 post-infusion", 1), ("rash, day 3 post", 3)])
def test_a_nurse_notes_time_since_the_infusion(extract, text, days):
    assert extract(text).infusion.days == days


@pytest.mark.parametrize(
    "text",
    [
        "My daughter is 8 and not on any medicine, she has a temperature of 38",
        "My neighbour's little girl had a nosebleed on our doorstep. Sorry, wrong chat, nothing about me.",
        "She has hives from strawberries. She's not the one on treatment, I am.",
    ],
)
def test_signs_of_someone_said_not_to_be_a_patient_are_not_reported(extract, text):
    assert present(extract(text)) == set()


def test_a_carer_reporting_the_patient_still_counts(extract):
    assert "fever" in present(extract("my husband has a temperature of 38.5, he had lemtrada yesterday"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("she looked at me blankly, like she didn't understand a word I said", "trouble_understanding"),
        ("keeps rubbing the side of her neck and wincing", "neck_pain"),
        ("my dad just texted me saying goodbye and sorry for everything", "suicidal_thoughts"),
        ("a scab that scabs over and opens up again every week", "nonhealing_sore"),
        ("pink in the sink every time I brush my teeth", "bleeding_gums"),
        ("the whole right side of me has gone pins and needles", "one_sided_weakness"),
        ("only noises came out, I couldn't make the words", "trouble_speaking"),
        ("the road signs suddenly doubled up", "vision_change"),
        ("I put the kettle in the fridge and couldn't remember my own postcode", "confusion"),
        ("it's like breathing through a straw", "trouble_breathing"),
        ("chest feels like it's in a vice", "chest_pain"),
        ("next thing I knew I was lying on the grass", "fainting"),
        ("soaking a pad every half hour since this morning", "bleeding_wont_stop"),
        ("been cutting again", "suicidal_thoughts"),
    ],
)
def test_everyday_images_of_the_signs(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("Is a drooping face one of the stroke signs I'm supposed to watch for?", "stroke_suspected"),
        ("eyes a bit blurry after the drops at the optician", "vision_change"),
        ("tired after a long week at work, normal tired", "tiredness"),
    ],
)
def test_explained_or_asked_about_signs_are_not_reported(extract, text, symptom):
    assert symptom not in present(extract(text))


def test_day_n_of_someone_elses_course_is_an_infusion_day(extract):
    assert extract("Day 3 of Mum's course. She's flushed and shivering").infusion.days == 0
    assert extract("can't get a full breath in. day 4 of my 5 day course").infusion.days == 0


@pytest.mark.parametrize("text", ["chest pain after my run", "I fainted after the gym", "chest pain running for the bus"])
def test_exercise_never_explains_away_chest_pain_or_fainting(extract, text):
    assert present(extract(text)) & {"chest_pain", "fainting"}


@pytest.mark.parametrize("text,symptom", [("so tired after the gym", "tiredness"), ("out of breath sprinting for the bus", "shortness_of_breath"), ("mozzie bite itchy", "rash")])
def test_exercise_or_a_bite_explains_ordinary_tiredness_breathlessness_and_itching(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("strong pain in the breast since this morning", "chest_pain"),
        ("my chest is paining me a lot", "chest_pain"),
        ("the back of my neck is paining since two days", "neck_pain"),
        ("I cannae get my words oot", "trouble_speaking"),
        ("she cyaan ketch her breath", "shortness_of_breath"),
        ("my father lost his conscious at the table", "fainting"),
        ("in the mirror one side is lower than the other", "face_drooping"),
        ("my head is turning all day", "dizziness"),
        ("urine is coming very less since 3 days", "urine_amount_change"),
        ("nurse: new disorientation to time and place", "confusion"),
        ("his neck is hard and he has fever", "stiff_neck"),
        ("I think all the time to kill me", "suicidal_thoughts"),
        ("she feels she is a burden on the family", "suicidal_thoughts"),
        ("I had dark thoughts of doing away with myself", "suicidal_thoughts"),
        ("the left half of the screen just isn't there", "vision_change"),
        ("my balance just went and I can't trust my legs", "loss_of_balance"),
        ("I felt like I might swoon", "feeling_faint"),
    ],
)
def test_second_language_and_dialect_wordings(extract, text, symptom):
    assert symptom in present(extract(text))


def test_dialect_words_do_not_take_over_ordinary_ones(extract):
    assert "loss_of_balance" not in present(extract("I am so restless I can't sit still"))
    assert "cyan" in default_extractor().normalise("my lips went cyan").text


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("What does it mean if your face droops? Just reading the leaflet", "face_drooping"),
        ("what does foamy urine actually look like?", "foamy_urine"),
        ("does lemtrada cause strokes?", "stroke_suspected"),
        ("My teenage daughter has a sore throat. She's not on any treatment, I am.", "sore_throat"),
        ("my husband has man flu, he's not on anything", "flu_like"),
    ],
)
def test_signs_of_anyone_or_of_someone_untreated_are_not_reports(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("the pharmacist asked if anyone had mentioned that my skin looks jaundiced", "jaundice"),
        ("she has been on lemtrada since 2020 and her face is drooping", "face_drooping"),
        ("my eldest son's face is drooping", "face_drooping"),
    ],
)
def test_reports_near_those_words_stay_reports(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("my wife wants to say spoon and she says some other thing", "trouble_speaking"),
        ("his tongue has gone heavy since lunch", "trouble_speaking"),
        ("she is talking in broken sentences and hunting for the words", "trouble_speaking"),
        ("the right half of my body I can not feel at all", "one_sided_weakness"),
        ("my right hand does not close properly since this morning", "one_sided_weakness"),
        ("the corner of his mouth is bending to one side", "face_drooping"),
        ("when she smiles the right side does not go up", "face_drooping"),
        ("my father does not understand what we tell him", "trouble_understanding"),
        ("granny keeps looking at us like we are strangers", "confusion"),
        ("my right eye no dey see well", "vision_change"),
        ("the lamp, I am seeing it as two", "vision_change"),
        ("since breakfast my balance is lost", "loss_of_balance"),
        ("he keeps leaning over to the left when he walks", "loss_of_balance"),
        ("my throat it closes when I try to swallow", "swelling_face_throat"),
        ("her lip dem swell up", "swelling_face_throat"),
        ("my tong is swelling", "swelling_face_throat"),
        ("there is a whistle in my chest with every breath", "trouble_breathing"),
        ("the air does not go in properly", "trouble_breathing"),
        ("I no can breathe", "trouble_breathing"),
        ("everything went grey before my eyes", "feeling_faint"),
        ("my aunt past out in the kitchen", "fainting"),
        ("I get thoughts to jump from the bridge", "suicidal_thoughts"),
        ("my life has no meaning now", "suicidal_thoughts"),
        ("his note says good bye to all of us", "suicidal_thoughts"),
        ("the tablets are laid out on my bed", "suicidal_thoughts"),
        ("the head has a very strong pain", "headache"),
        ("38.6 and shivering", "fever"),
        ("the back of my nape is sore", "neck_pain"),
        ("when I wee it stabs like a needle", "painful_urination"),
        ("her period is coming double than normal", "heavy_periods"),
        ("a scaly patch on my arm keeps changing shape", "skin_change"),
    ],
)
def test_word_for_word_second_language_and_phone_wordings(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom,present_",
    [
        # a nurse's "+" marks a sign as present: it ends the denials before it
        ("denies fever, denies rash, + nosebleeds x2 days", "nosebleed", True),
        ("denies fever, denies rash, + nosebleeds x2 days", "fever", False),
        # pressing "without effect" is no denial of the soaked towel
        ("nosebleed, pressure w/o effect, soaked a towel", "bleeding_wont_stop", True),
        # "no can" / "no fit" is "cannot", not a denial
        ("my son no fit talk well", "trouble_speaking", True),
    ],
)
def test_nurse_plus_and_second_language_negatives(extract, text, symptom, present_):
    assert (symptom in present(extract(text))) is present_


@pytest.mark.parametrize(
    "text",
    [
        "my head pain come one time very fast",
        "the headache started all in one time, like a thunder",
        "my head is hurting, I never have pain like this",
        "head pain like someone hit me with a brick",
    ],
)
def test_second_language_sudden_headache(extract, text):
    headache = [f for f in extract(text).findings if f.symptom == "headache"]
    assert headache and headache[0].sudden_onset is True


def test_gums_bleeding_continuously_or_still_coming_is_bleeding_that_will_not_stop(extract):
    assert {"bleeding_gums", "still_bleeding"} <= present(extract("my gums have bled continuously since lunch"))
    assert {"nosebleed", "still_bleeding"} <= present(extract("nosebleed, I pinch it but still it is coming"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("The card says to watch for trouble speaking, does a stammer count?", "trouble_speaking"),
        ("my leaflet told me to look out for dark urine", "dark_urine"),
        ("is a rash common after the drip?", "rash"),
        ("Is stroke a known risk with this medicine?", "stroke_suspected"),
        ("does that include a stiff neck from sleeping badly?", "stiff_neck"),
        ("a documentary on how your skin can turn yellow", "jaundice"),
        ("the nurse asked me to ring if I had any chest pain over the weekend", "chest_pain"),
        ("my uncle had a stroke, he's not on any MS medicine", "stroke_suspected"),
        ("can this medicine also make shingles?", "shingles"),
    ],
)
def test_signs_named_from_a_leaflet_or_asked_about_ahead_are_not_reports(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("they told me to look out for a droopy face and my face is drooping now", "face_drooping"),
        ("is my headache common? it started an hour ago", "headache"),
        ("is a rash common after the drip? I have one now", "rash"),
    ],
)
def test_a_sign_reported_next_to_such_words_stays_a_report(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("he sounds like he's downed six pints and he's had nothing", "trouble_speaking"),
        ("she's wobbling all over the place", "loss_of_balance"),
        ("spat out the toothpaste and it was pink again", "bleeding_gums"),
        ("I'm like a phone on 1% battery", "tiredness"),
        ("every swallow is like swallowing razor blades", "sore_throat"),
        ("peeing feels like passing fire", "painful_urination"),
        ("my watch says my heart is at 130 sitting still", "racing_heartbeat"),
        ("I'm not sure I am safe with myself tonight", "suicidal_thoughts"),
        ("the voices tell me to jump", "suicidal_thoughts"),
        ("I want to go to sleep and never wake again", "suicidal_thoughts"),
        ("my leg feels like a piece of wood", "one_sided_weakness"),
        ("the room spins when I get up", "dizziness"),
        ("I feel like to vomit all day", "nausea"),
        ("a lump at the side of my husband's neck", "lump"),
    ],
)
def test_everyday_images_and_second_language_wordings_found_on_first_contact(extract, text, symptom):
    assert symptom in present(extract(text))


def test_never_having_had_one_like_this_is_no_denial(extract):
    assert "headache" in present(extract("I have never had a headache like this before"))
    assert "chest_pain" in present(extract("never had pain this bad in my chest"))
    assert "chest_pain" not in present(extract("I've never had chest pain"))


def test_a_memory_compared_with_does_not_make_a_sign_historical(extract):
    assert "trouble_breathing" in present(extract("I'm wheezing like when I had asthma as a child"))


def test_red_like_blushing_and_a_heavier_flow_are_the_signs(extract):
    assert "flushing" in present(extract("my cheeks went bright red like I was blushing, on day 2 of the drip"))
    assert "heavy_periods" in present(extract("the flow is much heavier this month"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("half of everything I look at has gone missing on the left", "vision_change"),
        ("she went floppy in my arms", "fainting"),
        ("he slid down the wall and was out for a few seconds", "fainting"),
        ("my son said I sounded tipsy on the phone", "trouble_speaking"),
        ("the milk bottle was too heavy to lift with my right hand", "one_sided_weakness"),
        ("my whole left side wouldn't do what I asked", "one_sided_weakness"),
        ("L arm weakness since noon", "one_sided_weakness"),
        ("tingly down my left arm and leg since this morning", "one_sided_weakness"),
        ("the floor tipped sideways and I fell into the wardrobe", "loss_of_balance"),
        ("she keeps asking the same question again and again", "confusion"),
        ("my chest is squeaky when I breathe out", "trouble_breathing"),
        ("I can't get a sentence out without stopping for breath", "breathless_at_rest"),
        ("a tight band around my chest since lunch", "chest_pain"),
        ("it hurts to bend my head forward", "stiff_neck"),
        ("I think about swerving into the barrier on the motorway", "suicidal_thoughts"),
        ("I just want everything to stop", "suicidal_thoughts"),
    ],
)
def test_understated_red_flags_described_by_their_effect(extract, text, symptom):
    assert symptom in present(extract(text))


def test_a_double_negative_admits_the_thought(extract):
    assert "suicidal_thoughts" in present(extract("I can't say I never think about ending it"))


@pytest.mark.parametrize("text", ["nothing like a normal headache, it exploded", "a headache that hit like lightning", "my head hurts, it felt like someone whacked it"])
def test_unlike_a_normal_one_or_like_a_blow_is_a_sudden_headache(extract, text):
    headache = [f for f in extract(text).findings if f.symptom == "headache"]
    assert headache and headache[0].sudden_onset is True


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("me heid's thumpin", "headache"),
        ("my head went off like a gunshot", "headache"),
        ("her mouth is drawn down on the left", "face_drooping"),
        ("he's talking Greek to me, can't follow a word", "trouble_understanding"),
        ("nothing she says makes sense", "confusion"),
        ("walking like he's legless and he hasn't touched a drop", "loss_of_balance"),
        ("nose has been going 40 minutes and keeps pouring", "still_bleeding"),
        ("my gums been a-bleedin all day", "bleeding_gums"),
        ("the blood refuses to stop after the dentist", "bleeding_wont_stop"),
        ("I keep having dark thoughts", "suicidal_thoughts"),
        ("thinking of topping myself", "suicidal_thoughts"),
        ("had two blood noses this week", "nosebleed"),
        ("I'm pure wabbit", "tiredness"),
        ("giddiness since the drip", "dizziness"),
    ],
)
def test_regional_english_wordings(extract, text, symptom):
    assert symptom in present(extract(text))


def test_bleeding_that_has_not_stopped_or_soaks_through_and_lying_flat(extract):
    assert {"nosebleed", "still_bleeding"} <= present(extract("a nosebleed that hasn't stopped in an hour"))
    assert "bleeding_wont_stop" in present(extract("still bleeding through the plaster, pressing isn't helping"))
    assert "breathless_at_rest" in present(extract("so breathless I can't lie flat"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("I've been thinking about taking my own life", "suicidal_thoughts"),
        ("he keeps talking about taking his own life", "suicidal_thoughts"),
        ("the sight in my left eye just went dark", "vision_change"),
        ("like a grey curtain came down over half of it", "vision_change"),
        ("the words on the screen split into two", "vision_change"),
        ("tiny specks all over my shins", "petechiae"),
        ("my heart is going boom boom, really fast", "racing_heartbeat"),
        ("my top lip looks like I had fillers", "swelling_face_throat"),
        ("the graze crusted over and now weeps again", "nonhealing_sore"),
        ("her eyes have started sort of bulging", "eye_bulging"),
        ("blood in the toilet bowl after I peed", "blood_in_urine"),
        ("she looked yellow to me", "jaundice"),
        ("then this explosion in the back of my head", "headache"),
        ("got so dizzy and then just dropped", "fainting"),
        ("shivering under two duvets", "chills"),
        ("brushing my teeth and there was blood everywhere", "bleeding_gums"),
        ("pain round my ticker", "chest_pain"),
        ("LOC x1 this am", "fainting"),
        ("she asked me what day it was four times", "confusion"),
        ("keeps calling me by the wrong name", "confusion"),
    ],
)
def test_signs_told_in_a_story_found_on_first_contact(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "typed,meant",
    [("hurtsss", "hurts"), ("dizzyyy", "dizzy"), ("bleeeding", "bleeding"), ("throwt", "throat"), ("yelow", "yellow")],
)
def test_a_held_down_letter_or_a_slip_reads_as_the_word(typed, meant):
    from bot.nlu.extractor import default_extractor

    assert default_extractor().spelling(typed) == meant


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("I had one nosebleed on a plane in 2009 and that was it", "nosebleed"),
        ("I had bleeding gums as a teenager with braces", "bleeding_gums"),
        ("my grandad had a stroke back in the 90s", "stroke_suspected"),
        ("when I was about ten I fainted at the dentist", "fainting"),
        ("my dog threw up twice this morning", "vomiting"),
        ("my cat has a lump on her neck", "lump"),
        ("the drama last night had a guy coughing up blood in every scene", "coughing_blood"),
        ("the leaflet mentions tiny red spots on the skin, what do they look like?", "petechiae"),
        ("why are bleeding gums on the list?", "bleeding_gums"),
        ("I'm nervous about my first infusion", "nervousness"),
        ("my wobbly tooth", "loss_of_balance"),
        ("does turmeric prevent strokes?", "stroke_suspected"),
    ],
)
def test_long_past_pets_screens_and_worries_are_not_reports(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("I had a nosebleed in 2009 and now I have another one", "nosebleed"),
        ("had my course in 2024 and my gums are bleeding", "bleeding_gums"),
        ("when I was about to leave my face drooped", "face_drooping"),
        ("I had shingles years ago and I think it's back", "shingles"),
        ("my dog knocked me over and now my face is numb on one side", "one_sided_weakness"),
        ("chest pain when walking the dog", "chest_pain"),
        ("my friend isn't on lemtrada but her speech is slurred", "trouble_speaking"),
        ("I'm not on it, my roommate is, and she's coughing up blood", "coughing_blood"),
        ("she mentioned she has been cutting her arms again", "suicidal_thoughts"),
    ],
)
def test_reports_next_to_the_past_a_pet_or_an_untreated_person_stay_reports(extract, text, symptom):
    assert symptom in present(extract(text))


def test_a_long_nurse_denial_list_covers_every_item():
    from bot.nlu.extractor import default_extractor

    found = default_extractor().extract("pt denies CP, SOB, LOC, HA, fever, rash, bleeding, bruising. c/o constipation")
    assert not [f.symptom for f in found.findings if not f.negated]


def test_an_emoji_read_as_a_word_adds_no_extra_space_to_the_phrase_gap(extract):
    assert "bleeding_gums" in present(extract("brushed my teeth n the sink was all 🩸 lol"))
    assert {"fever", "nausea"} <= present(extract("🤒🤢 since the drip"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("Tongue. Big. Since lunch.", "swelling_face_throat"),
        ("yes... blood. when i cough", "coughing_blood"),
        ("My wee. Red. Since this morning.", "blood_in_urine"),
        ("Her neck. Stiff and sore.", "neck_pain"),
    ],
)
def test_a_sign_told_in_fragments_across_full_stops(extract, text, symptom):
    assert symptom in present(extract(text))


def test_joining_fragments_adds_signs_and_never_removes_one(extract):
    # the fragment reading makes "No." a denial of what follows, but the plain reading already
    # found the cough of blood, and a sign found once stays found
    assert "coughing_blood" in present(extract("Fever? No. Coughing up blood since this morning."))
    # long sentences are not joined: the denial stays in its own sentence
    assert "nosebleed" not in present(extract("I have not had any nosebleeds at all this week. My head is fine too."))


def test_fragments_joined_keeps_every_character_in_place():
    from bot.nlu.modifiers import fragments_joined

    text = "Lips... swollen. I had my infusion on Monday and it went well. My temperature was 38.5 this morning."
    joined = fragments_joined(text)
    assert joined is not None and len(joined) == len(text)
    assert joined.startswith("Lips,   swollen,")
    assert "went well. My temperature was 38.5" in joined  # both sides long: that stop stays; a decimal point is no stop
    assert fragments_joined("I have had a headache since the drip on Monday. It is getting worse by the hour.") is None


def test_a_checklist_answered_with_a_bare_no_is_a_denial(extract):
    found = present(extract("Rash? No. Temperature? Nope. Just a stitch from jogging."))
    assert not found & {"rash", "fever"}
    # an answer that is not a plain no leaves the sign standing: when in doubt, escalate
    assert "fever" in present(extract("Fever? Not sure. Rash? A bit."))
    assert "rash" in present(extract("Fever? Not sure. Rash? A bit."))
    assert "face_drooping" in present(extract("Face drooping? No idea, it looks odd."))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("Blister. Heel. New shoes.", "shingles"),  # a not-sign across fragments is still no sign
        ("Short of breath. Walking upstairs. Fine when I sit. Fine lying in bed.", "breathless_at_rest"),
        ("no fever, no pee problems, back sore from lifting", "urine_amount_change"),
        ("the insurance paperwork is a total headache, how do I get the card replaced?", "headache"),
    ],
)
def test_what_only_looks_like_a_sign_is_not_one(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("my chest is thumping and it feels irregular", "racing_heartbeat"),
        ("little dots, tiny red ones, and they don't fade when I press a glass on them", "petechiae"),
    ],
)
def test_heartbeat_and_spots_in_plain_words(extract, text, symptom):
    assert symptom in present(extract(text))


def test_a_past_sign_and_a_new_one_across_but_are_read_apart(extract):
    found = present(extract("Shingles in 2019 cleared up fine, but the glands in my groin have been swollen since Wednesday"))
    assert "swollen_lymph_nodes" in found and "shingles" not in found


def test_a_real_word_two_letters_from_a_sign_is_not_a_typo_of_it(extract):
    assert "tiredness" not in present(extract("I tried to order a coffee and the words came out like soup"))
    assert "tiredness" in present(extract("im so tried all the time since the drip"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("found razor blades in his room and fresh cuts on his wrists", "suicidal_thoughts"),
        ("some nights I pray I just don't wake up", "suicidal_thoughts"),
        ("her nose keeps pouring like a tap, forty minutes now", "bleeding_wont_stop"),
        ("the home dipstick shows blood 2+", "blood_in_urine"),
        ("temp 38.4C tonight", "fever"),
        ("numb down the right side of my body", "one_sided_weakness"),
    ],
)
def test_signs_told_by_what_was_found_or_measured(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("the left side of my boddy went numm", "one_sided_weakness"),  # a doubled letter; a phonetic spelling
        ("sudden dubble vishun", "vision_change"),
        ("coffing up blood", "coughing_blood"),
        ("cheat pain since the drip", "chest_pain"),
        ("my threat feels like its closing up", "swelling_face_throat"),
    ],
)
def test_phonetic_spellings_and_real_words_typed_for_sign_words(extract, text, symptom):
    assert symptom in present(extract(text))


def test_a_spelling_is_never_read_as_a_sign_it_only_resembles(extract):
    assert "swelling_face_throat" not in present(extract("sore throwt for two weeks"))
    assert "chest_pain" not in present(extract("he tried to cheat at cards"))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("does lemtrada bring on a rash? I spotted it on my arms an hour ago", "rash"),
        ("can the drip cause a nosebleed? having one right now", "nosebleed"),
        ("is a sore neck normal? it's been throbbing since Sunday", "neck_pain"),
        ("could the treatment affect my speech? my son says I sound slurred", "trouble_speaking"),
        ("is a fever common? got it a few hours after the infusion", "fever"),
    ],
)
def test_a_question_followed_by_the_sign_placed_in_time_is_a_report(extract, text, symptom):
    assert symptom in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("does lemtrada cause a rash? my sister had one last year and it scares me", "rash"),
        ("can the drip cause a nosebleed? the nurse said to call if I had one", "nosebleed"),
    ],
)
def test_a_question_with_someone_elses_or_a_planned_sign_stays_a_question(extract, text, symptom):
    assert symptom not in present(extract(text))


@pytest.mark.parametrize(
    "text,symptom",
    [
        ("the bath water felt cooler on my right leg than my left, and the right side still feels odd", "one_sided_weakness"),
        ("my left hand can't feel how hot the tap is", "one_sided_weakness"),
        ("the mug slipped out of my left hand twice and my fingers won't go where I want", "one_sided_weakness"),
        ("tea ran out of the corner of my mouth and my lip feels lazy", "face_drooping"),
        ("the cat looked double on the sofa", "vision_change"),
        ("half of my phone screen went black for a minute", "vision_change"),
        ("she keeps asking the same question and doesn't remember asking", "confusion"),
        ("halfway down the hall I couldn't stay upright", "loss_of_balance"),
        ("left-sided paraesthesia since this morning", "one_sided_weakness"),
        ("been through a whole box of tampons in a day", "heavy_periods"),
        ("had to stop on the landing to get my breath back", "shortness_of_breath"),
        ("nurse note: epistaxis continuous x 3 hrs", "still_bleeding"),
    ],
)
def test_signs_told_by_what_the_person_can_no_longer_do(extract, text, symptom):
    assert symptom in present(extract(text))


def test_a_side_that_is_only_where_a_pain_is_and_a_tilting_room_are_not_one_sided_weakness(extract):
    assert "one_sided_weakness" not in present(extract("neck pain on the right side, dull, since Tuesday"))
    assert "loss_of_balance" not in present(extract("the room tilts when I turn my head"))
    assert "jaundice" in present(extract("my friend said no actually, your eyes look yellow"))
