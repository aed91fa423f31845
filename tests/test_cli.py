"""The command line's own behaviour: uv-style usage errors, exit codes, no traceback, no secret."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pydantic import ValidationError

from policy.cli import main as cli
from policy.cli.commands import config as config_command
from policy.cli.options import overrides_from_args
from policy.settings.file_models import IndexOptions

SECRET = "cli-Pa55-w0rd"


def test_usage_error_starts_with_error_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["no-such-command"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_global_options_work_before_and_after_the_subcommand() -> None:
    before = cli.build_parser().parse_args(["--no-config", "-v", "config"])
    after = cli.build_parser().parse_args(["config", "--no-config", "-v"])
    assert overrides_from_args(before) == overrides_from_args(after)
    assert before.verbose == after.verbose == 1


@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-vv"]])
def test_unexpected_error_shows_no_traceback_and_no_message(
    verbosity: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(args: argparse.Namespace) -> int:
        raise RuntimeError(f"backend said https://alice:{SECRET}@host/")

    monkeypatch.setattr(config_command, "run", explode)
    assert cli.main([*verbosity, "config"]) == 1
    err = capsys.readouterr().err
    assert "error: unexpected RuntimeError" in err
    assert SECRET not in err
    assert ("Traceback" not in err) if not verbosity else True
    if verbosity == ["-vv"]:
        assert "explode" in err  # the frames are there for a bug report


def test_explicit_index_without_name_error_masks_the_password() -> None:
    with pytest.raises(ValidationError) as raised:
        IndexOptions.model_validate(
            {"url": f"https://alice:{SECRET}@h.example/simple/", "explicit": True}
        )
    assert SECRET not in str(raised.value)
    assert "alice:****@h.example" in str(raised.value)


@pytest.mark.parametrize("project", ["", "a/b", "two words", "x-"])
def test_fetch_rejects_a_bad_project_name_before_any_request(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--no-config", "fetch", project])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: argument project: expected a project name")


def test_fetch_from_a_closed_port_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.support.services import free_port

    url = f"http://alice:{SECRET}@127.0.0.1:{free_port()}/simple/"
    assert cli.main(["--no-config", "--index-url", url, "fetch", "foo"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Failed to fetch http://127.0.0.1:")
    assert "could not connect" in err and SECRET not in err


def test_credentials_dir_that_is_a_file_is_a_clean_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("UV_CREDENTIALS_DIR", str(blocker))
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    code = cli.main(
        ["auth", "login", "http://127.0.0.1:9/", "--username", "alice", "--password", SECRET]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: Cannot use the credentials directory `{blocker}`")
    assert SECRET not in err


@pytest.mark.parametrize("name", ["uv.toml", "pyproject.toml"])
def test_absurdly_nested_toml_is_a_configuration_error_not_a_crash(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prefix = "" if name == "uv.toml" else "[tool.uv]\n"
    (tmp_path / name).write_text(prefix + "x=" + "[" * 5000 + "]" * 5000 + "\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("UV_NO_SYSTEM_CONFIG", "1")
    code = cli.main(["--directory", str(tmp_path), "config"])
    err = capsys.readouterr().err
    assert "unexpected" not in err
    if name == "uv.toml":
        assert code == 2 and err.startswith("error: Failed to parse")
    else:  # a broken pyproject.toml is warned about and skipped, as uv does
        assert code == 0 and err.startswith("warning: Failed to parse")
