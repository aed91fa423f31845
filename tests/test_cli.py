"""The command line's own behaviour: uv-style usage errors, exit codes, no traceback, no secret."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from policy import cli
from policy.commands import config as config_command
from policy.options import IndexOptions

SECRET = "cli-Pa55-w0rd"


def test_usage_error_starts_with_error_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["no-such-command"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_global_options_work_before_and_after_the_subcommand() -> None:
    before = cli.build_parser().parse_args(["--no-config", "-v", "config"])
    after = cli.build_parser().parse_args(["config", "--no-config", "-v"])
    assert cli.overrides_from_args(before) == cli.overrides_from_args(after)
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
        IndexOptions.model_validate({"url": f"https://alice:{SECRET}@h.example/simple/",
                                     "explicit": True})
    assert SECRET not in str(raised.value)
    assert "alice:****@h.example" in str(raised.value)
