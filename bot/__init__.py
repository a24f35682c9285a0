"""Symptom-triage assistant for patients treated with alemtuzumab (Lemtrada)."""
