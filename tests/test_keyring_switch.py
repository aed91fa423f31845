"""`keyring-policy keyring enable | disable | status`: keyring's config file, written and
restored byte for byte, in an isolated home."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from policy.cli.main import main
from policy.keyring_backend.switch import BACKUP_NAME
from policy.keyring_backend.wrapped import BACKEND_CLASS, configured_wraps
from tests.support.services import PASSWORD as SECRET

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def config_file(isolated_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """keyring's config file under the isolated XDG_CONFIG_HOME (keyring reads os.environ)."""
    for name, value in isolated_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("KEYRING_POLICY_WRAPS", raising=False)
    return Path(isolated_env["XDG_CONFIG_HOME"], "python_keyring", "keyringrc.cfg")


def _status(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["keyring", "status", "--format", "json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_round_trip_on_a_fresh_machine(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not config_file.exists()
    assert _status(capsys)["enabled"] is False
    assert main(["keyring", "enable"]) == 0
    assert "is now keyring's default" in capsys.readouterr().out
    assert f"default-keyring = {BACKEND_CLASS}" in config_file.read_text()
    status = _status(capsys)
    assert status["enabled"] is True
    assert status["config_file"] == str(config_file)
    assert status["wraps"] != BACKEND_CLASS
    assert main(["keyring", "disable"]) == 0
    assert not config_file.exists()
    assert not config_file.with_name(BACKUP_NAME).exists()
    assert _status(capsys) == {
        "enabled": False,
        "wraps": None,
        "config_file": str(config_file),
        "in_config_file": False,
        "python_keyring_backend": None,
        "backup": False,
    }


ORIGINAL = (
    b"# chosen by hand, do not touch\r\n[backend]\ndefault-keyring = "
    + PLAINTEXT.encode()
    + b"\nkeyring-path =  /opt/rings  \n\n[other]\nk\xc3\xa9y=value ; kept\n"
)


def test_round_trip_leaves_the_file_byte_identical(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_bytes(ORIGINAL)
    config_file.chmod(0o644)
    assert main(["keyring", "enable"]) == 0
    assert main(["keyring", "enable"]) == 0  # twice: the first copy is kept
    assert "is already keyring's default" in capsys.readouterr().out
    assert configured_wraps({}, config_file) == PLAINTEXT
    assert _status(capsys)["wraps"] == PLAINTEXT
    assert main(["keyring", "disable"]) == 0
    assert config_file.read_bytes() == ORIGINAL
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o644
    assert not config_file.with_name(BACKUP_NAME).exists()


def test_wraps_can_be_chosen(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keyring", "enable", "--wraps", PLAINTEXT]) == 0
    assert f"wraps {PLAINTEXT}" in capsys.readouterr().out
    assert _status(capsys)["wraps"] == PLAINTEXT
    assert main(["keyring", "disable"]) == 0
    assert not config_file.exists()


def test_it_refuses_to_wrap_itself(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keyring", "enable", "--wraps", BACKEND_CLASS]) == 2
    assert capsys.readouterr().err == (
        f"error: refusing to wrap `{BACKEND_CLASS}`: it is keyring-policy's own backend\n"
    )
    assert not config_file.exists()


def test_disable_without_enable_changes_nothing(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keyring", "disable"]) == 0
    assert "was not enabled" in capsys.readouterr().out
    assert not config_file.exists()


def test_disable_keeps_a_file_the_user_changed_since(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keyring", "enable"]) == 0
    changed = b"[backend]\ndefault-keyring = keyring.backends.null.Keyring\n"
    config_file.write_bytes(changed)
    capsys.readouterr()
    assert main(["keyring", "disable"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: keyring's config file {config_file} was changed since")
    assert config_file.read_bytes() == changed
    assert config_file.with_name(BACKUP_NAME).exists()


def test_a_broken_config_file_is_a_clear_error(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_bytes(b"default-keyring = x\n")
    assert main(["keyring", "enable"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: keyring's config file {config_file} cannot be read")
    assert "Traceback" not in err
    assert config_file.read_bytes() == b"default-keyring = x\n"


def test_the_environment_overrides_the_file(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT)
    assert main(["keyring", "enable"]) == 0
    assert "`PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring` overrides" in (
        capsys.readouterr().err
    )
    status = _status(capsys)
    assert status["enabled"] is False
    assert status["in_config_file"] is True
    assert status["python_keyring_backend"] == PLAINTEXT
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", BACKEND_CLASS)
    monkeypatch.setenv("KEYRING_POLICY_WRAPS", PLAINTEXT)
    assert _status(capsys)["wraps"] == PLAINTEXT
    assert main(["keyring", "status"]) == 0
    assert capsys.readouterr().out == (
        f"keyring-policy's backend is enabled (by PYTHON_KEYRING_BACKEND); wraps {PLAINTEXT}\n"
    )


@pytest.mark.parametrize(
    "content",
    [
        f"token = {SECRET}\n",
        f"[backend]\npassword = {SECRET}\nnot an option {SECRET}\n",
        f"[backend]\nx = 1\nx = {SECRET}\n",
        f"[backend]\n[backend]\ny = {SECRET}\n",
    ],
)
def test_a_broken_config_file_never_shows_its_values(
    config_file: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(content)
    for command in ("enable", "disable", "status"):
        assert main(["keyring", command]) == 2
        captured = capsys.readouterr()
        assert "cannot be read" in captured.err
        assert SECRET not in captured.out + captured.err
