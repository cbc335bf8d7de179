"""Constants shared by the tests (importable: tests/ is on pytest's pythonpath)."""

from datetime import date

TODAY = date(2026, 11, 20)
PASSPHRASE = "korrekt häst batteri"
INSATSER = ("Samordningsteam Sala", "Samordningsteam Heby")
