"""User names with Swedish letters, the same name however the keyboard composed å (issue 14)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from support import INSATSER, TODAY

from tracker.services import registers
from tracker.store import keyfile

ÅSA_PASSPHRASE = "åsas långa lösenfras"


def test_swedish_user_names_log_in_however_å_was_typed(
    tmp_path: Path, cheap_kdf: keyfile.KdfParams
) -> None:
    db_path = tmp_path / "db" / "tracker.db"
    decomposed = unicodedata.normalize("NFD", "åsa")
    registers.create_register(
        db_path, user=decomposed, passphrase=ÅSA_PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    with registers.open_session(db_path, user="åsa", passphrase=ÅSA_PASSPHRASE) as session:
        assert session.actor.user == "åsa"  # stored composed (NFC)
        registers.add_user(
            session,
            passphrase=ÅSA_PASSPHRASE,
            user=unicodedata.normalize("NFD", "märta"),
            role="staff",
            new_passphrase="märtas egen lösenfras",
        )
        assert {slot.user for slot in registers.list_users(session)} == {"åsa", "märta"}
    with registers.open_session(db_path, user=decomposed, passphrase=ÅSA_PASSPHRASE) as session:
        assert session.actor.user == "åsa"
    with registers.open_session(db_path, user="märta", passphrase="märtas egen lösenfras"):
        pass


def test_other_letters_are_still_refused(tmp_path: Path, cheap_kdf: keyfile.KdfParams) -> None:
    with pytest.raises(keyfile.InvalidUserName):
        registers.create_register(
            tmp_path / "t.db", user="Åsa", passphrase=ÅSA_PASSPHRASE, insatser=INSATSER
        )
    assert not (tmp_path / "t.db").exists()
