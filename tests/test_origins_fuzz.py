"""Property: any document and any environment give `Settings` or `ConfigError`, nothing else."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.errors import ConfigError
from policy.settings.file_models import PIP_KEYS, UV_KEYS
from policy.settings.models import Overrides, Settings
from policy.settings.origins import load_settings

KEYS = [*UV_KEYS, "keyring", "bogus-key", "tool", "name", "url", "authenticate", "format"]

SEEDS = [
    'keyring-provider = "subprocess"\npreview-features = ["native-auth", "bogus"]\n'
    '[[index]]\nname = "private"\nurl = "https://u:p@pkgs.example/simple/"\n'
    'authenticate = "always"\nkeyring = "store"\ndefault = true\n',
    'index-url = "https://a.example/simple"\nextra-index-url = ["https://b.example/", "c"]\n'
    'find-links = ["./wheels"]\nno-index = false\n[pip]\nkeyring-provider = "disabled"\n',
    'preview = true\n[[index]]\nname = "a"\nurl = "x"\n[index.cache-control]\napi = "1"\n',
    "index = [{name = 'i', url = 'https://i.example/', explicit = true}]\n",
]

scalars = st.one_of(
    st.booleans(),
    st.integers(-5, 70000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "disabled",
            "subprocess",
            "native",
            "auto",
            "always",
            "never",
            "simple",
            "flat",
            "read",
            "store",
            "skip",
            "native-auth",
            "",
            " ",
            "https://u:p@h/",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=8,
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.encode("unicode_escape").decode("ascii").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + "}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = [
        f"{key} = {toml_value(draw(values))}"
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=True))
    ]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("[[index]]")
        lines += [
            f"{key} = {toml_value(draw(values))}"
            for key in draw(
                st.lists(
                    st.sampled_from(
                        [
                            "name",
                            "url",
                            "default",
                            "explicit",
                            "format",
                            "authenticate",
                            "keyring",
                            "publish-url",
                            "extra",
                        ]
                    ),
                    max_size=5,
                    unique=True,
                )
            )
        ]
    if draw(st.booleans()):
        lines.append("[pip]")
        lines += [
            f"{key} = {toml_value(draw(values))}"
            for key in draw(
                st.lists(st.sampled_from([*PIP_KEYS[:12], "nope"]), max_size=3, unique=True)
            )
        ]
    return "\n".join(lines) + "\n"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.sampled_from([*"\"'[]{}=,.#\n \\x1-", "\t", "é", '"""']))
        if action == "insert":
            text = text[:position] + char + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + 1 :]
        else:
            text = text[:position] + char + text[position + 1 :]
    return text


ENV_NAMES = [
    "UV_KEYRING_PROVIDER",
    "UV_PREVIEW",
    "UV_PREVIEW_FEATURES",
    "UV_INDEX",
    "UV_DEFAULT_INDEX",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_NO_CONFIG",
    "UV_NO_SYSTEM_CONFIG",
    "UV_NO_INDEX",
    "XDG_CONFIG_HOME",
]
environments = st.dictionaries(
    st.sampled_from(ENV_NAMES),
    st.one_of(
        st.sampled_from(
            [
                "",
                "1",
                "0",
                "true",
                "maybe",
                "subprocess",
                "Native",
                "native-auth,bogus",
                ",",
                "a=https://x/ b=c:d",
                "bad name=x",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=4,
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "proj").mkdir()
        yield root


def outcome(
    root: Path, text: str, pyproject: bool, env: dict[str, str], flags: Overrides | None = None
) -> None:
    uv_toml = root / "proj" / "uv.toml"
    project = root / "proj" / "pyproject.toml"
    uv_toml.unlink(missing_ok=True)
    project.unlink(missing_ok=True)
    if pyproject:
        project.write_text(
            "[tool.uv]\n"
            + text.replace("[[index]]", "[[tool.uv.index]]").replace("[pip]", "[tool.uv.pip]"),
            encoding="utf-8",
        )
    else:
        uv_toml.write_text(text, encoding="utf-8")
    full_env = {"HOME": str(root / "home"), "UV_NO_SYSTEM_CONFIG": "1", **env}
    try:
        result = load_settings(flags or Overrides(), full_env, root / "proj")
    except ConfigError as error:
        # The seeds' password never shows in a URL's userinfo. (A generated plain value may
        # itself read "p@"; that is text of the document, not a credential.)
        assert "://u:p@" not in str(error)
        return
    assert isinstance(result, Settings)


FAST = settings(
    max_examples=650,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(text=documents(), pyproject=st.booleans())
def test_generated_documents(scratch: Path, text: str, pyproject: bool) -> None:
    outcome(scratch, text, pyproject, {})


@FAST
@given(text=mutated(), pyproject=st.booleans())
def test_mutated_documents(scratch: Path, text: str, pyproject: bool) -> None:
    outcome(scratch, text, pyproject, {})


flag_values = st.one_of(
    st.sampled_from(
        [
            "",
            "native",
            "Subprocess",
            "a=https://x/",
            "bad name=https://x/",
            "https://u:p@h:99999/",
            ",",
            "pylock,",
            "./wheels",
            "~nobody/x",
        ]
    ),
    st.text(max_size=8),
)
overrides = st.builds(
    Overrides,
    keyring_provider=st.none() | flag_values,
    preview=st.none() | st.booleans(),
    preview_features=st.lists(flag_values, max_size=2).map(tuple),
    index=st.lists(flag_values, max_size=2).map(tuple),
    default_index=st.none() | flag_values,
    index_url=st.none() | flag_values,
    extra_index_url=st.lists(flag_values, max_size=2).map(tuple),
    find_links=st.lists(flag_values, max_size=2).map(tuple),
    no_index=st.booleans(),
    pip=st.booleans(),
)


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(env=environments, text=st.sampled_from(SEEDS), flags=overrides)
def test_environments_and_flags(
    scratch: Path, env: dict[str, str], text: str, flags: Overrides
) -> None:
    outcome(scratch, text, False, env, flags)
