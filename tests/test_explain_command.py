"""`keyring-policy explain`: the stable JSON, the text table, exit codes, no secret shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from policy.cli.main import main
from policy.decision import PREVIEW_GATE_WARNING
from tests.contract_examples import EXPLAIN_EXAMPLE

ROOT = Path(__file__).resolve().parent.parent
SECRET = "Zq9-real-Passw0rd"
IDX = "https://pkgs.example.com/simple/"
URL = IDX + "foo/"
CONTRACT_KEYS = {
    "url",
    "realm",
    "index",
    "authenticate",
    "provider",
    "read",
    "store",
    "sources",
    "keyring_services",
    "reasons",
}


def uv_toml(provider: str = "native", *, extra: str = "", index: str = IDX, top: str = "") -> str:
    return (
        f'keyring-provider = "{provider}"\n{top}[[index]]\nname = "private"\n'
        f'url = "{index}"\n{extra}'
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory as the working directory, no user or system config."""
    for name in list(os.environ):
        if name.startswith(("UV_", "KEYRING_POLICY")):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("UV_NO_SYSTEM_CONFIG", "1")
    directory = tmp_path / "project"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


def explain(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_the_contract_object(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "uv.toml").write_text(uv_toml())
    code, out, err = explain(capsys, URL, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == CONTRACT_KEYS
    assert data == EXPLAIN_EXAMPLE
    assert err == f"warning: {PREVIEW_GATE_WARNING}\n"


def test_native_auth_stores_and_does_not_warn(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "uv.toml").write_text(uv_toml(extra='keyring = "store"\n'))
    code, out, err = explain(capsys, URL, "--format", "json", "--preview-features", "native-auth")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["read"] is True and data["store"] is True


def test_format_json_before_the_subcommand(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--format", "json", "--no-config", "explain", "https://pypi.org/simple/x/"])
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["index"] == {"name": None, "url": "https://pypi.org/simple"}
    assert data["provider"] == "disabled" and data["read"] is False


def test_no_password_anywhere_in_the_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "uv.toml").write_text(
        uv_toml(
            "subprocess",
            index=f"https://alice:{SECRET}@pkgs.example.com/simple/",
            top='preview-features = ["native-auth"]\n',
        )
    )
    for args in ([], ["--format", "json"], ["-vv"]):
        code, out, err = explain(
            capsys, f"https://bob:{SECRET}@pkgs.example.com/simple/foo/", *args
        )
        assert code == 0
        assert SECRET not in out + err
    code, out, _ = explain(capsys, URL, "--format", "json")
    data = json.loads(out)
    assert data["index"]["url"] == IDX
    # the index URL's username is known, so uv's three `keyring get` forms apply
    assert data["keyring_services"][-2:] == [IDX, "pkgs.example.com"]


def test_text_is_an_aligned_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "uv.toml").write_text(uv_toml())
    code, out, _ = explain(capsys, URL)
    assert code == 0
    lines = out.splitlines()
    labels = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert labels == [
        "url",
        "index",
        "realm",
        "authenticate",
        "provider",
        "read",
        "store",
        "sources",
        "services",
        "reasons",
    ]
    column = lines[0].index(URL)
    assert all(
        len(line) > column and line[column - 1] == " " and line[column] != " " for line in lines
    )
    assert "private (https://pkgs.example.com/simple/)" in out
    assert "url -> env -> cache -> netrc -> credentials-file -> native-keyring" in out
    assert f"uv-credentials:{IDX}\n" in out and "uv:pkgs.example.com\n" in out
    assert "read          yes (before the first request)" in out and "store         no" in out
    assert "the system keyring is read before the first request: index `private`" in out


def test_text_without_an_index(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "uv.toml").write_text(
        '[[index]]\nurl = "https://h.example/simple/"\ndefault = true\n'
    )
    code, out, _ = explain(capsys, "https://files.example.com/x.whl")
    assert code == 0
    assert "none (the URL belongs to no configured index)" in out
    assert "services      none" in out


def test_username_option_and_env_username(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "uv.toml").write_text(uv_toml("subprocess"))
    _, out, _ = explain(capsys, URL, "--format", "json")
    assert json.loads(out)["keyring_services"] == []
    _, out, _ = explain(capsys, URL, "--format", "json", "--username", "alice")
    assert json.loads(out)["keyring_services"] == [IDX, "pkgs.example.com"]
    monkeypatch.setenv("UV_INDEX_PRIVATE_USERNAME", "alice")
    _, out, _ = explain(capsys, URL, "--format", "json")
    assert json.loads(out)["read"] is True


def test_never_and_skip(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "uv.toml").write_text(uv_toml(extra='authenticate = "never"\n'))
    _, out, _ = explain(capsys, URL, "--format", "json", "--preview")
    data = json.loads(out)
    assert (data["sources"], data["read"], data["store"]) == (["url"], False, False)
    (project / "uv.toml").write_text(uv_toml(extra='keyring = "skip"\n'))
    _, out, _ = explain(capsys, URL, "--format", "json", "--preview")
    data = json.loads(out)
    assert (data["keyring_services"], data["read"], data["store"]) == ([], False, False)


@pytest.mark.parametrize("url", ["not-a-url", "/simple/foo", "https://h:port/"])
def test_bad_url_is_exit_2(project: Path, capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = explain(capsys, url)
    assert code == 2 and out == ""
    assert err.startswith("error: invalid value ")


def test_bad_url_never_shows_its_password(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = explain(capsys, f"https://alice:{SECRET}@h:port/")
    assert code == 2 and SECRET not in err


def test_invalid_configuration_is_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "uv.toml").write_text('keyring-provider = "bogus"\n')
    code, out, err = explain(capsys, URL)
    assert code == 2 and out == ""
    assert err.startswith("error: ")


def test_missing_url_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["explain"])
    assert raised.value.code == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_console_command_reads_no_keyring(tmp_path: Path) -> None:
    """End to end in a fresh interpreter: the JSON, and the `keyring` package stays unloaded."""
    (tmp_path / "uv.toml").write_text(
        uv_toml(index=f"https://alice:{SECRET}@pkgs.example.com/simple/")
    )
    script = (
        "import sys; from policy.cli.main import main; code = main(sys.argv[1:]); "
        "assert 'keyring' not in sys.modules, 'keyring imported'; raise SystemExit(code)"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, "explain", URL, "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["keyring_services"] == [
        f"uv-credentials:{IDX}",
        "uv:pkgs.example.com",
    ]
    assert done.stderr.count("warning: ") == 1
    assert SECRET not in done.stdout + done.stderr


AZURE_IDX = "https://pkgs.dev.azure.com/contoso/_packaging/feed/pypi/simple/"


def test_a_cloud_registry_username_is_shown_with_its_reason(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "uv.toml").write_text(uv_toml("subprocess", index=AZURE_IDX))
    code, out, _ = explain(capsys, AZURE_IDX + "foo/")
    assert code == 0
    assert "asked for username `VssSessionToken`" in out
    assert "Azure Artifacts" in out
    code, out, _ = explain(capsys, AZURE_IDX + "foo/", "--format", "json")
    data = json.loads(out)
    assert set(data) == CONTRACT_KEYS
    assert data["keyring_services"][0] == AZURE_IDX
    assert "VssSessionToken" in data["reasons"][0]
    # a configured username wins, and no secret of it shows
    monkeypatch.setenv("UV_INDEX_PRIVATE_USERNAME", "build-agent")
    monkeypatch.setenv("UV_INDEX_PRIVATE_PASSWORD", SECRET)
    for args in ([], ["--format", "json"], ["-vv"]):
        code, out, err = explain(capsys, AZURE_IDX + "foo/", *args)
        assert code == 0
        assert "VssSessionToken" not in out and SECRET not in out + err
