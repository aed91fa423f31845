"""`uv.toml.example` at the repository root loads and documents every key we read."""

from __future__ import annotations

import shutil
from pathlib import Path

from policy.settings.file_models import IndexOptions, PipOptions, UvOptions, field_names
from policy.settings.models import KeyringProvider, Overrides
from policy.settings.origins import load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "uv.toml.example"


def test_example_loads(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "uv.toml")
    settings = load_settings(Overrides(), {"UV_NO_SYSTEM_CONFIG": "1"}, tmp_path)
    assert settings.warnings == ()
    assert settings.keyring_provider is KeyringProvider.SUBPROCESS
    assert settings.native_auth
    assert [index.name for index in settings.indexes] == ["private", "wheelhouse"]
    assert settings.indexes[0].keyring.value == "store"
    pip = load_settings(Overrides(pip=True), {"UV_NO_SYSTEM_CONFIG": "1"}, tmp_path)
    assert pip.indexes[-1].url == "https://pypi.org/simple"


def test_example_mentions_every_key() -> None:
    text = EXAMPLE.read_text()
    for model in (UvOptions, IndexOptions, PipOptions):
        for key in field_names(model):
            assert f"{key} =" in text or f".{key}]" in text or f"[[{key}" in text, key
    assert "[tool.keyring-policy]" in text
