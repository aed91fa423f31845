"""The basics a new user meets first: --version, --directory, typos in [[index]], errors an
embedding program can catch, and `--format json` on every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from policy.cli import main as cli
from policy.errors import ConfigError, MissingCredentials, PolicyError
from policy.fetch.clients import client
from policy.settings.models import AuthPolicy, IndexSettings, Overrides, Settings
from policy.settings.origins import load_settings
from tests.integration.test_uv_settings_agree import UV

SECRET = "basics-Pa55-w0rd"
ISOLATED = {"UV_NO_SYSTEM_CONFIG": "1", "HOME": "/nonexistent-home", "PATH": os.defpath}


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("keyring-policy ") and out.strip().split()[1][0].isdigit()


def test_missing_directory_is_uvs_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    assert cli.main(["--directory", str(missing), "--no-config", "config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No such file or directory (os error 2)\n")
    assert str(missing) in err
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert cli.main(["--directory", str(a_file), "--no-config", "config"]) == 2
    assert capsys.readouterr().err.startswith("error: Not a directory (os error 20)\n")


@pytest.mark.integration
def test_missing_directory_first_line_agrees_with_uv(tmp_path: Path) -> None:
    from tests.support.services import require

    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    missing = str(tmp_path / "nope")
    env = {**ISOLATED, "UV_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [UV, "--directory", missing, "--offline", "pip", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    ours = subprocess.run(
        [sys.executable, "-m", "policy", "--directory", missing, "config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == ours.returncode == 2
    assert ours.stderr.splitlines()[0] == done.stderr.splitlines()[0]


def test_library_directory_error_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(directory="nope"), ISOLATED, tmp_path)
    assert "`Overrides.directory`" in str(raised.value)


def test_unknown_index_key_is_a_warning_with_the_close_match(tmp_path: Path) -> None:
    (tmp_path / "uv.toml").write_text(
        "[[index]]\n"
        'name = "private"\n'
        f'url = "https://alice:{SECRET}@pkgs.example.com/simple/"\n'
        'keyrng = "skip"\n'
        "zzz = 1\n",
        encoding="utf-8",
    )
    settings = load_settings(Overrides(), ISOLATED, tmp_path)
    assert settings.indexes[0].name == "private"  # the file is still accepted, as uv does
    assert settings.warnings == (
        "Ignoring unknown key `keyrng` in `[[index]]` at uv.toml:4; did you mean `keyring`?",
        "Ignoring unknown key `zzz` in `[[index]]` at uv.toml:5",
    )
    assert all(SECRET not in warning for warning in settings.warnings)


def test_unknown_index_key_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\n\n[[tool.uv.index]]\n'
        'url = "https://pkgs.example.com/simple/"\nauthentcate = "always"\n',
        encoding="utf-8",
    )
    settings = load_settings(Overrides(), ISOLATED, tmp_path)
    assert settings.warnings == (
        "Ignoring unknown key `authentcate` in `[[index]]` at pyproject.toml:7; did you mean "
        "`authenticate`?",
    )


def test_cli_prints_the_index_key_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "uv.toml").write_text(
        '[[index]]\nurl = "https://pkgs.example.com/simple/"\nkeyrng = "skip"\n', encoding="utf-8"
    )
    assert cli.main(["--directory", str(tmp_path), "config"]) == 0
    assert "warning: Ignoring unknown key `keyrng`" in capsys.readouterr().err


def test_overrides_errors_read_as_library_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(keyring_provider="nativ"), ISOLATED, tmp_path)
    message = str(raised.value)
    assert "--help" not in message
    assert message.startswith("invalid value 'nativ' for `Overrides.keyring_provider`")
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(index_url=f"http://u:{SECRET}@h:99999/"), ISOLATED, tmp_path)
    assert str(raised.value) == (
        "invalid value 'http://u:****@h:99999/' for `Overrides.index_url`: invalid port number"
    )


def test_command_line_errors_keep_clap_wording(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--no-config", "--keyring-provider", "nativ", "config"]) == 2
    err = capsys.readouterr().err
    assert "for '--keyring-provider <KEYRING_PROVIDER>'" in err
    assert err.rstrip().endswith("For more information, try '--help'.")


def _always(url: str) -> Settings:
    return Settings(indexes=(IndexSettings(url=url, name="p", authenticate=AuthPolicy.ALWAYS),))


def test_missing_credentials_is_catchable_as_httpx_error() -> None:
    url = "https://pkgs.example.com/simple/"
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    # What an installer typically writes around its requests.
    with client(_always(url), env={}, transport=transport) as http:
        try:
            http.get(url + "foo/")
        except httpx.HTTPError as error:
            caught: Exception = error
        else:
            pytest.fail("no error")
    assert isinstance(caught, MissingCredentials) and isinstance(caught, PolicyError)
    assert isinstance(caught, httpx.RequestError)
    assert caught.request.url == httpx.URL(url + "foo/")
    assert str(caught) == f"Missing credentials for {url}foo/"
    assert type(caught).__name__ == "MissingCredentials"


def test_missing_credentials_is_catchable_as_policy_error_async() -> None:
    import asyncio

    from policy.fetch.clients import async_client

    url = "https://pkgs.example.com/simple/"

    async def main() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200))
        async with async_client(_always(url), env={}, transport=transport) as http:
            await http.get(url + "foo/")

    with pytest.raises(MissingCredentials) as raised:
        asyncio.run(main())
    assert isinstance(raised.value, httpx.HTTPError)


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, object]:
    status = cli.main(argv)
    return status, json.loads(capsys.readouterr().out)


def test_schema_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, data = _json(["--format", "json", "schema", "--output", str(tmp_path / "s")], capsys)
    assert status == 0 and isinstance(data, dict) and len(data["written"]) >= 1
    status, data = _json(
        ["--format", "json", "schema", "--check", "--output", str(tmp_path / "s")], capsys
    )
    assert status == 0 and data == {"ok": True, "stale": []}


def test_config_names_the_implicit_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "uv.toml").write_text('[[index]]\nurl = "https://pkgs.example.com/simple/"\n')
    status, data = _json(["--directory", str(tmp_path), "--format", "json", "config"], capsys)
    assert status == 0
    assert isinstance(data, dict) and data["implicit_default"] == "https://pypi.org/simple"
    assert cli.main(["--directory", str(tmp_path), "config"]) == 0
    assert "the implicit default, searched last" in capsys.readouterr().out


def test_unknown_index_key_warning_masks_a_quoted_key(tmp_path: Path) -> None:
    (tmp_path / "uv.toml").write_text(
        "[[index]]\n"
        'url = "https://pkgs.example.com/simple/"\n'
        f'"https://alice:{SECRET}@pkgs.example.com/" = 1\n',
        encoding="utf-8",
    )
    settings = load_settings(Overrides(), ISOLATED, tmp_path)
    assert len(settings.warnings) == 1
    assert SECRET not in settings.warnings[0] and "alice:****@" in settings.warnings[0]
