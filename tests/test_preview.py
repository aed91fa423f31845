"""uv's preview feature names and `resolve_preview`."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from policy.errors import ConfigError
from policy.settings.preview import (
    ALIASES,
    FEATURES,
    ConfigPreview,
    Resolved,
    canonical,
    resolve_preview,
    split_cli_values,
)


def test_fifty_five_names_in_uv_order() -> None:
    assert len(FEATURES) == 55
    assert len(set(FEATURES)) == 55
    assert FEATURES[:3] == ("python-install-default", "json-output", "pylock")
    assert FEATURES[8] == "native-auth"
    assert FEATURES[-1] == "http2-keep-alive"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("native-auth", "native-auth"),
        ("  native-auth\t", "native-auth"),
        ("format", "format-command"),
        ("audit", "audit-command"),
        ("check", "check-command"),
        ("native_auth", None),
        ("NATIVE-AUTH", None),
        ("NativeAuth", None),
        ("native-auth native-auth", None),
        ("direct-publish", None),  # 0.12's name, gone in 0.13.9
    ],
)
def test_canonical(name: str, expected: str | None) -> None:
    assert canonical(name) == expected


def test_aliases_point_at_real_features() -> None:
    assert set(ALIASES.values()) <= set(FEATURES)


@pytest.mark.parametrize("value", ["", ",pylock", "pylock,", "a,,b", " ", "a, ,b"])
def test_empty_names_are_clap_errors(value: str) -> None:
    with pytest.raises(ConfigError, match="preview feature name cannot be empty"):
        split_cli_values([value])


def test_split_trims_and_keeps_order() -> None:
    assert split_cli_values(["a, b", "c"]) == ("a", "b", "c")


def resolve(
    *,
    cli: bool | None = None,
    env_preview: bool | None = None,
    config: ConfigPreview | None = None,
    features: Sequence[str] = (),
) -> Resolved:
    return resolve_preview(cli=cli, env_preview=env_preview, config=config, features=features)


def test_cli_beats_everything_and_silences_warnings() -> None:
    got = resolve(cli=False, env_preview=True, config=True, features=("bogus",))
    assert not got.preview.all and not got.preview.features and got.warnings == ()
    got = resolve(cli=True, config=False, features=("bogus",))
    assert got.preview.all and got.warnings == ()


def test_truthy_env_beats_config_and_lists_without_warning() -> None:
    got = resolve(env_preview=True, config=("pylock",), features=("bogus",))
    assert got.preview.all and got.warnings == () and got.decided_by == "env-preview"


def test_falsy_env_falls_through() -> None:
    got = resolve(env_preview=False, config=("pylock",))
    assert got.preview.features == {"pylock"}


def test_config_all_beats_feature_list_but_the_list_is_still_warned() -> None:
    got = resolve(config=True, features=("bogus", "pylock"))
    assert got.preview.all
    assert got.warnings == ("Unknown preview feature: `bogus`",)


def test_feature_list_replaces_config_list_whose_names_are_not_warned() -> None:
    got = resolve(config=("unknown-in-config", "json-output"), features=("pylock",))
    assert got.preview.features == {"pylock"} and got.warnings == ()


def test_feature_list_beats_config_false() -> None:
    assert resolve(config=False, features=("pylock",)).preview.features == {"pylock"}


def test_config_list_warns_once_per_name() -> None:
    got = resolve(config=("bogus", "bogus", "native-auth"))
    assert got.preview.features == {"native-auth"}
    assert got.warnings == ("Unknown preview feature: `bogus`",)


def test_defaults() -> None:
    got = resolve()
    assert not got.preview.all and not got.preview.features and got.decided_by == "default"
    assert resolve(config=()).preview.features == frozenset()
