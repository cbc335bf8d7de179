"""Where the register lives: the settings file and the program-folder warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.services import locations
from tracker.services.session import ServiceError


def test_the_settings_file_names_the_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "conf" / "tracker.toml"
    monkeypatch.setenv(locations.CONFIG_ENVIRONMENT, str(config))
    assert locations.configured_db() is None  # no file: no opinion
    config.parent.mkdir()
    config.write_text('db = "register/tracker.db"\n', encoding="utf-8")
    assert locations.configured_db() == tmp_path / "conf" / "register" / "tracker.db"
    config.write_text(f'db = "{(tmp_path / "abs.db").as_posix()}"\n', encoding="utf-8")
    assert locations.configured_db() == tmp_path / "abs.db"
    config.write_text("# nothing set\n", encoding="utf-8")
    assert locations.configured_db() is None


@pytest.mark.parametrize("content", ['db = "unterminated', "db = 5\n", 'db = ""\n'])
def test_a_broken_settings_file_is_refused_not_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(content, encoding="utf-8")
    monkeypatch.setenv(locations.CONFIG_ENVIRONMENT, str(config))
    with pytest.raises(ServiceError) as refused:
        locations.configured_db()
    assert refused.value.key == "locations.config_unreadable"


def test_a_register_inside_the_program_folder_is_noticed(tmp_path: Path) -> None:
    root = locations.program_folder()
    assert root is not None and (root / "tracker").is_dir()  # tests run from the checkout
    assert locations.inside_program_folder(root / "db" / "tracker.db")
    assert not locations.inside_program_folder(tmp_path / "tracker.db")
    assert locations.inside_program_folder(tmp_path / "x" / "y.db", root=tmp_path)
