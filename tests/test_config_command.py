"""`keyring-policy config`: the stable JSON keys, masked URLs, uv-style errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from policy.cli.commands.config import to_json, to_text
from policy.settings.models import Overrides
from policy.settings.origins import load_settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-value"
CONTRACT_KEYS = {
    "keyring_provider",
    "preview",
    "indexes",
    "no_index",
    "config_files",
    "sources",
    "warnings",
}
INDEX_KEYS = {"name", "url", "default", "explicit", "format", "authenticate", "keyring", "origin"}
UV_TOML = (
    'keyring-provider = "subprocess"\n'
    'preview-features = ["native-auth", "bogus"]\n'
    "[[index]]\n"
    'name = "private"\n'
    f'url = "https://alice:{SECRET}@pkgs.example.com/simple/"\n'
    'authenticate = "always"\n'
)


def cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "policy", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_json_has_every_contract_key(tmp_path: Path) -> None:
    (tmp_path / "uv.toml").write_text(UV_TOML)
    done = cli(["config", "--format", "json"], tmp_path, UV_KEYRING_PROVIDER="native")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= CONTRACT_KEYS
    assert data["keyring_provider"] == "native"
    assert data["preview"] == {"all": False, "features": ["native-auth"]}
    assert set(data["indexes"][0]) >= INDEX_KEYS
    assert data["indexes"][0] == {
        "name": "private",
        "url": "https://alice:****@pkgs.example.com/simple/",
        "default": False,
        "explicit": False,
        "format": "simple",
        "authenticate": "always",
        "keyring": "auto",
        "origin": "project",
    }
    assert data["no_index"] is False
    assert data["config_files"] == [str(tmp_path / "uv.toml")]
    assert data["sources"] == {
        "keyring_provider": "env UV_KEYRING_PROVIDER",
        "preview": f"{tmp_path / 'uv.toml'}:2",
        "indexes[0]": f"{tmp_path / 'uv.toml'}:3",
    }
    assert data["warnings"] == ["Unknown preview feature: `bogus`"]
    assert done.stderr == "warning: Unknown preview feature: `bogus`\n"
    assert SECRET not in done.stdout + done.stderr


def test_global_options_after_the_subcommand(tmp_path: Path) -> None:
    done = cli(
        [
            "config",
            "--format",
            "json",
            "--preview",
            "--index",
            "a=https://a.example/",
            "--keyring-provider",
            "native",
        ],
        tmp_path,
    )
    data = json.loads(done.stdout)
    assert data["preview"]["all"] is True
    assert len(data["preview"]["features"]) == 55
    assert data["sources"] == {
        "keyring_provider": "cli --keyring-provider",
        "preview": "cli --preview",
        "indexes[0]": "cli --index",
    }


def test_text_form(tmp_path: Path) -> None:
    (tmp_path / "uv.toml").write_text(UV_TOML)
    done = cli(["config"], tmp_path)
    assert done.returncode == 0
    assert "keyring-provider: subprocess" in done.stdout
    assert "private: https://alice:****@pkgs.example.com/simple/" in done.stdout
    assert SECRET not in done.stdout


@pytest.mark.parametrize(
    ("content", "first_line"),
    [
        ('keyring-provider = "bogus"\n', "error: Failed to parse: uv.toml"),
        (f'keyring-provider = "https://x:{SECRET}@h/"\n', "error: Failed to parse: uv.toml"),
        (f'index-url = ["https://x:{SECRET}@h/"]\n', "error: Failed to parse: uv.toml"),
    ],
)
def test_bad_file_is_exit_2_with_uv_message(tmp_path: Path, content: str, first_line: str) -> None:
    (tmp_path / "uv.toml").write_text(content)
    done = cli(["config", "--format", "json"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == first_line
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr
    assert done.stdout == ""


def test_bad_env_value_names_the_flag(tmp_path: Path) -> None:
    done = cli(["config"], tmp_path, UV_KEYRING_PROVIDER="keychain")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "error: invalid value 'keychain' for '--keyring-provider <KEYRING_PROVIDER>'\n"
        "  [possible values: disabled, subprocess, native]\n"
    )


def test_to_json_and_to_text_of_defaults(tmp_path: Path) -> None:
    settings = load_settings(Overrides(no_config=True), {}, tmp_path)
    data = to_json(settings)
    assert data == {
        "keyring_provider": "disabled",
        "preview": {"all": False, "features": []},
        "indexes": [],
        "no_index": False,
        "pins": {},
        "config_files": [],
        "sources": {},
        "warnings": [],
        "implicit_default": "https://pypi.org/simple",
    }
    assert "indexes: none (PyPI)" in to_text(settings)
