"""A dozen real-world-style `uv.toml` / `[tool.uv]` files load, with the expected values."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.settings.models import KeyringProvider, Overrides
from policy.settings.origins import load_settings
from tests.real_world import FILES, place

EXPECTED: dict[str, tuple[KeyringProvider, list[str | None]]] = {
    "01": (KeyringProvider.DISABLED, ["pytorch-cpu"]),
    "02": (KeyringProvider.SUBPROCESS, ["company-feed"]),
    "03": (KeyringProvider.SUBPROCESS, ["gar"]),
    "04": (KeyringProvider.DISABLED, ["codeartifact", "pypi-mirror"]),
    "05": (KeyringProvider.DISABLED, [None, None]),
    "06": (KeyringProvider.DISABLED, ["devpi"]),
    "07": (KeyringProvider.DISABLED, [None, None]),
    "08": (KeyringProvider.DISABLED, ["internal", "testpypi"]),
    "09": (KeyringProvider.SUBPROCESS, [None]),
    "10": (KeyringProvider.DISABLED, ["flat-builds", None]),
    "11": (KeyringProvider.NATIVE, ["acme"]),
    "12": (KeyringProvider.DISABLED, [None]),
    "13": (KeyringProvider.DISABLED, ["acme-internal", "mirror"]),
    "14": (KeyringProvider.DISABLED, ["private", None, None]),
    "15": (KeyringProvider.DISABLED, []),  # the broken [tool.uv] is skipped, as uv does
}
WARNS = {"15": "invalid international domain name"}


def test_a_dozen_files() -> None:
    assert len(FILES) == 15
    assert sorted(EXPECTED) == [path.name[:2] for path in FILES]


@pytest.mark.parametrize("source", FILES, ids=[path.stem for path in FILES])
@pytest.mark.parametrize("pip", [False, True], ids=["project", "pip"])
def test_loads(source: Path, pip: bool, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    place(source, project)
    env = {"HOME": str(tmp_path / "home"), "UV_NO_SYSTEM_CONFIG": "1"}
    settings = load_settings(Overrides(pip=pip), env, project)
    warning = WARNS.get(source.name[:2])
    if warning is None:
        assert settings.warnings == ()
    else:
        assert len(settings.warnings) == 1 and warning in settings.warnings[0]
    provider, names = EXPECTED[source.name[:2]]
    if pip and source.name.startswith(("05", "12")):
        provider = KeyringProvider.SUBPROCESS  # their [pip] section says so
    assert settings.keyring_provider is provider
    assert [index.name for index in settings.indexes] == names
    assert "****" not in str(settings.indexes)  # credentials stay in the model, masked on output


def test_tool_policy_and_per_index_keyring(tmp_path: Path) -> None:
    place(next(p for p in FILES if p.name.startswith("11")), tmp_path)
    settings = load_settings(Overrides(), {"UV_NO_SYSTEM_CONFIG": "1"}, tmp_path)
    assert settings.native_auth
    assert settings.indexes[0].keyring.value == "store"
    assert settings.sources["keyring_provider"] == f"{tmp_path / 'pyproject.toml'}:17"


def test_explicit_index_with_sources_pins_the_package(tmp_path: Path) -> None:
    from policy.fetch.search import plan

    place(next(p for p in FILES if p.name.startswith("13")), tmp_path)
    settings = load_settings(Overrides(), {"UV_NO_SYSTEM_CONFIG": "1"}, tmp_path)
    assert settings.pins == {"acme-billing-client": "acme-internal"}
    assert [i.name for i in plan(settings, "httpx").simple] == ["mirror"]
    assert [i.name for i in plan(settings, "acme_billing_client").simple] == ["acme-internal"]


def test_find_links_directory_is_made_absolute(tmp_path: Path) -> None:
    place(next(p for p in FILES if p.name.startswith("14")), tmp_path)
    settings = load_settings(Overrides(), {"UV_NO_SYSTEM_CONFIG": "1"}, tmp_path)
    assert settings.indexes[1].url == (tmp_path / "wheelhouse").as_uri()
