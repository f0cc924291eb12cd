"""The clinic intake form's plain-words labels for the Intake v1 fields.

`FINDING_GROUPS` labels every finding code of the Intake v1 contract in plain words, grouped
the way a clinician asks about them; a test checks that no code is left out. The posted form
is read by the one form mapper, `acuback.web.forms` (fields named by their intake paths).
"""

from __future__ import annotations

__all__ = [
    "FINDING_GROUPS",
    "REGION_LABELS",
    "SIDE_LABELS",
    "STARTBACK_ANSWERS",
]

REGION_LABELS = {"lower_back": "Lower back", "upper_back": "Upper back", "neck": "Neck"}
SIDE_LABELS = {
    "central": "In the middle",
    "left": "Left side",
    "right": "Right side",
    "both": "Both sides",
}
STARTBACK_ANSWERS = {
    "not_at_all": "Not at all",
    "slightly": "Slightly",
    "moderately": "Moderately",
    "very_much": "Very much",
    "extremely": "Extremely",
}

FINDING_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Nerves, bladder and bowel (emergency signs)",
        (
            ("urinary_retention", "Cannot pass urine, or the bladder does not empty"),
            ("urinary_incontinence_new", "New loss of bladder control"),
            ("faecal_incontinence", "Loss of bowel control"),
            ("saddle_anaesthesia", "Numbness around the back passage or genitals"),
            ("bilateral_leg_symptoms", "Pain, numbness or pins and needles in both legs"),
            ("progressive_leg_weakness", "Leg weakness that is getting worse"),
            ("gait_disturbance", "Unsteady or changed walking"),
            ("sexual_dysfunction_new", "New problem with sexual function"),
        ),
    ),
    (
        "Heart and blood vessels",
        (
            ("pulsatile_abdominal_mass", "A throbbing lump in the belly"),
            ("chest_pain_or_breathlessness", "Chest pain or breathlessness now"),
            ("ischaemic_heart_disease", "Heart disease such as angina or a past heart attack"),
            ("ecg_abnormality", "An abnormal heart tracing (ECG)"),
        ),
    ),
    (
        "Fracture, cancer, infection or inflammation",
        (
            ("major_trauma", "A major injury, such as a fall from a height or a road accident"),
            ("minor_trauma", "A minor injury, such as a small fall or a strain"),
            ("osteoporosis", "Thin bones (osteoporosis)"),
            ("long_term_corticosteroids", "Steroid tablets taken for months"),
            ("cancer_history", "Cancer now or in the past"),
            ("unexplained_weight_loss", "Losing weight without trying"),
            ("night_pain", "Pain at night that rest does not ease"),
            ("fever", "Fever, or feeling hot and unwell"),
            ("iv_drug_use", "Injecting drugs"),
            ("immunosuppression", "A weak immune system (an illness or medicines)"),
            ("morning_stiffness_over_30_min", "Stiff in the morning for more than 30 minutes"),
            ("structural_deformity", "A visible bend or deformity of the spine"),
        ),
    ),
    (
        "Devices and implants",
        (
            ("pacemaker_or_icd", "A pacemaker or an implanted defibrillator"),
            ("neurostimulator_or_active_implant", "A nerve stimulator or other powered implant"),
            ("metal_implant_in_treatment_area", "A metal implant where we would treat"),
        ),
    ),
    (
        "Bleeding",
        (
            ("bleeding_disorder", "A bleeding disorder, such as haemophilia"),
            ("anticoagulant_therapy", "Takes a blood thinner (anticoagulant, e.g. warfarin)"),
            ("antiplatelet_therapy", "Takes an antiplatelet medicine (e.g. clopidogrel)"),
        ),
    ),
    (
        "Other health conditions",
        (
            ("recent_radiotherapy", "Radiotherapy in recent months"),
            ("severe_renal_insufficiency", "Severe kidney disease"),
            ("severe_hepatic_insufficiency", "Severe liver disease"),
            ("seizure_disorder", "Epilepsy or other seizures"),
            ("diabetes", "Diabetes"),
            ("peripheral_neuropathy", "Reduced feeling in the hands or feet (neuropathy)"),
            ("lymphoedema", "Lymphoedema (swelling of a limb)"),
            ("skin_infection_in_treatment_area", "A skin infection where we would treat"),
        ),
    ),
    (
        "Today, and consent",
        (
            ("exhausted_today", "Exhausted today"),
            ("intoxicated_today", "Has taken alcohol or drugs today"),
            ("needle_phobia", "A strong fear of needles"),
            ("fainting_history", "Has fainted before (with needles, blood or pain)"),
            ("unable_to_consent", "Cannot give informed consent today"),
        ),
    ),
)
