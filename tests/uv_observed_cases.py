"""uv 0.13.9's observed settings behaviour (a reference run of uv itself, scenarios `d*`,
`h*`, `i*`, `p*`), transcribed as data. Every scenario ran `uv pip install` (pip mode)
from `{dir}/proj` with HOME, XDG_CONFIG_HOME = `{dir}/home/.config` and XDG_CONFIG_DIRS =
`{dir}/xdg-system`. Texts are uv's stderr without `error: ` / `warning: `; `adapt()` turns
uv's two-value provider wording into ours, where `native` is this project's addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n\n'
ALICE_URL = "http://alice@127.0.0.1:{port}/simple/"
PLAIN_URL = "http://127.0.0.1:{port}/simple/"
UV_KEYS = (
    "`required-version`, `system-certs`, `native-tls`, `offline`, `no-cache`, `cache-dir`, "
    "`preview`, `preview-features`, `python-preference`, `python-downloads`, "
    "`concurrent-downloads`, `concurrent-builds`, `concurrent-installs`, `index`, `index-url`, "
    "`extra-index-url`, `no-index`, `find-links`, `index-strategy`, `keyring-provider`, "
    "`http-proxy`, `https-proxy`, `no-proxy`, `allow-insecure-host`, `resolution`, "
    "`prerelease`, `prerelease-package`, `fork-strategy`, `dependency-metadata`, "
    "`config-settings`, `config-settings-package`, `no-build-isolation`, "
    "`require-build-hashes`, `no-build-isolation-package`, `extra-build-dependencies`, "
    "`extra-build-variables`, `exclude-newer`, `exclude-newer-package`, `link-mode`, "
    "`compile-bytecode`, `no-sources`, `no-sources-package`, `upgrade`, `upgrade-package`, "
    "`reinstall`, `reinstall-package`, `no-build`, `no-build-package`, `no-binary`, "
    "`no-binary-package`, `torch-backend`, `python-install-mirror`, `pypy-install-mirror`, "
    "`graalpy-install-mirror`, `pyodide-install-mirror`, `python-downloads-json-url`, "
    "`publish-url`, `trusted-publishing`, `check-url`, `add-bounds`, `audit`, `pip`, "
    "`cache-keys`, `override-dependencies`, `exclude-dependencies`, `constraint-dependencies`, "
    "`build-constraint-dependencies`, `environments`, `required-environments`, "
    "`minimum-libc-version`, `conflicts`, `workspace`, `sources`, `managed`, `package`, "
    "`default-groups`, `dependency-groups`, `dev-dependencies`, `build-backend`"
)
PIP_KEYS = (
    "`python`, `system`, `break-system-packages`, `target`, `prefix`, `index-url`, "
    "`extra-index-url`, `no-index`, `find-links`, `index-strategy`, `keyring-provider`, "
    "`no-build`, `no-binary`, `only-binary`, `no-build-isolation`, `require-build-hashes`, "
    "`no-build-isolation-package`, `extra-build-dependencies`, `extra-build-variables`, "
    "`strict`, `extra`, `all-extras`, `no-extra`, `no-deps`, `group`, "
    "`allow-empty-requirements`, `resolution`, `prerelease`, `fork-strategy`, "
    "`dependency-metadata`, `output-file`, `no-strip-extras`, `no-strip-markers`, "
    "`no-annotate`, `no-header`, `custom-compile-command`, `generate-hashes`, "
    "`config-settings`, `config-settings-package`, `python-version`, `python-platform`, "
    "`universal`, `exclude-newer`, `exclude-newer-package`, `no-emit-package`, "
    "`emit-index-url`, `emit-find-links`, `emit-build-options`, `emit-marker-expression`, "
    "`emit-index-annotation`, `annotation-style`, `link-mode`, `compile-bytecode`, "
    "`require-hashes`, `verify-hashes`, `no-sources`, `no-sources-package`, `upgrade`, "
    "`upgrade-package`, `reinstall`, `reinstall-package`, `torch-backend`"
)
MASKED = (
    "Found both a `uv.toml` file and a `[tool.uv]` section in an adjacent `pyproject.toml`. "
    "The following fields from `[tool.uv]` will be ignored in favor of the `uv.toml` file:\n"
    "- keyring-provider"
)
ALL = "all"


def adapt(text: str) -> str:
    """uv's texts with this project's third provider value."""
    return text.replace(
        "expected `disabled` or `subprocess`", "expected one of `disabled`, `subprocess`, `native`"
    ).replace(
        "[possible values: disabled, subprocess]", "[possible values: disabled, subprocess, native]"
    )


@dataclass(frozen=True)
class Case:
    """One observed uv run: inputs, and what uv resolved or printed."""

    id: str
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=lambda: {"index_url": ALICE_URL})
    cwd: str = "proj"
    provider: str | None = "disabled"
    features: frozenset[str] | str = frozenset()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    indexes: tuple[tuple[str | None, str, str, str], ...] | None = None  # name, url, auth, origin


def toml_error(path: str, line: int, column: int, source: str, carets: int, message: str) -> str:
    """uv's `Failed to parse: PATH` wrapper around a TOML excerpt."""
    gutter = " " * len(str(line))
    pad = " " * 9
    return (
        f"Failed to parse: {path}\n"
        f"  cause: TOML parse error at line {line}, column {column}\n"
        f"{pad}{gutter} |\n"
        f"{pad}{line} | {source}\n"
        f"{pad}{gutter} | {' ' * (column - 1)}{'^' * carets}\n"
        f"{pad}{message}"
    )


def discovery_warning(line: int, column: int, source: str, carets: int, message: str) -> str:
    """uv's warning for a skipped `pyproject.toml` (its trailing blank line dropped)."""
    gutter = " " * len(str(line))
    return (
        "Failed to parse `pyproject.toml` during settings discovery:\n"
        f"  TOML parse error at line {line}, column {column}\n"
        f"  {gutter} |\n"
        f"  {line} | {source}\n"
        f"  {gutter} | {' ' * (column - 1)}{'^' * carets}\n"
        f"  {message}"
    )


SUB = 'keyring-provider = "subprocess"\n'
DIS = 'keyring-provider = "disabled"\n'
UVTOML = "proj/uv.toml"
USER = "home/.config/uv/uv.toml"
BOGUS = 'keyring-provider = "bogus"'
CLAP_BOGUS = (
    "invalid value 'bogus' for '--keyring-provider <KEYRING_PROVIDER>'\n"
    "  [possible values: disabled, subprocess]\n\nFor more information, try '--help'."
)

CASES: tuple[Case, ...] = (
    Case("d01_uvtoml_subprocess", {UVTOML: SUB}, provider="subprocess"),
    Case("d02_uvtoml_pip_section", {UVTOML: "[pip]\n" + SUB}, provider="subprocess"),
    Case(
        "d03_pyproject_tool_uv",
        {"proj/pyproject.toml": PYPROJECT + "[tool.uv]\n" + SUB},
        provider="subprocess",
    ),
    Case(
        "d04_pyproject_tool_uv_pip",
        {"proj/pyproject.toml": PYPROJECT + "[tool.uv.pip]\n" + SUB},
        provider="subprocess",
    ),
    Case("d05_env", env={"UV_KEYRING_PROVIDER": "subprocess"}, provider="subprocess"),
    Case("d06_user_config", {USER: SUB}, provider="subprocess"),
    Case("d07_system_config", {"xdg-system/uv/uv.toml": SUB}, provider="subprocess"),
    Case(
        "d08_config_file_flag",
        {"proj/other.toml": SUB},
        flags={"index_url": ALICE_URL, "config_file": "{dir}/proj/other.toml"},
        provider="subprocess",
    ),
    Case(
        "d09_UV_CONFIG_FILE",
        {"proj/other.toml": SUB},
        env={"UV_CONFIG_FILE": "{dir}/proj/other.toml"},
        provider="subprocess",
    ),
    Case(
        "d10_parent_dir_uvtoml",
        {UVTOML: SUB, "proj/child/.keep": ""},
        cwd="proj/child",
        provider="subprocess",
    ),
    Case(
        "p01_uvtoml_disabled_vs_pyproject_subprocess",
        {UVTOML: DIS, "proj/pyproject.toml": PYPROJECT + "[tool.uv]\n" + SUB},
        provider="disabled",
        warnings=(MASKED,),
    ),
    Case(
        "p02_uvtoml_subprocess_vs_pyproject_disabled",
        {UVTOML: SUB, "proj/pyproject.toml": PYPROJECT + "[tool.uv]\n" + DIS},
        provider="subprocess",
        warnings=(MASKED,),
    ),
    Case(
        "p03_uvtoml_disabled_vs_env_subprocess",
        {UVTOML: DIS},
        env={"UV_KEYRING_PROVIDER": "subprocess"},
        provider="subprocess",
    ),
    Case(
        "p04_uvtoml_subprocess_vs_env_disabled",
        {UVTOML: SUB},
        env={"UV_KEYRING_PROVIDER": "disabled"},
        provider="disabled",
    ),
    Case(
        "p05_env_disabled_vs_cli_subprocess",
        env={"UV_KEYRING_PROVIDER": "disabled"},
        flags={"index_url": ALICE_URL, "keyring_provider": "subprocess"},
        provider="subprocess",
    ),
    Case(
        "p06_env_subprocess_vs_cli_disabled",
        env={"UV_KEYRING_PROVIDER": "subprocess"},
        flags={"index_url": ALICE_URL, "keyring_provider": "disabled"},
        provider="disabled",
    ),
    Case("p07_project_disabled_vs_user_subprocess", {UVTOML: DIS, USER: SUB}, provider="disabled"),
    Case(
        "p08_project_subprocess_vs_user_disabled", {UVTOML: SUB, USER: DIS}, provider="subprocess"
    ),
    Case(
        "p09_top_disabled_vs_pip_subprocess", {UVTOML: DIS + "[pip]\n" + SUB}, provider="subprocess"
    ),
    Case(
        "p10_top_subprocess_vs_pip_disabled", {UVTOML: SUB + "[pip]\n" + DIS}, provider="disabled"
    ),
    Case(
        "p11_config_file_vs_cwd_uvtoml",
        {"proj/other.toml": SUB, UVTOML: DIS},
        flags={"index_url": ALICE_URL, "config_file": "{dir}/proj/other.toml"},
        provider="subprocess",
    ),
    Case(
        "p12_no_config_flag",
        {UVTOML: SUB},
        flags={"index_url": ALICE_URL, "no_config": True},
        provider="disabled",
    ),
    Case("p13_UV_NO_CONFIG", {UVTOML: SUB}, env={"UV_NO_CONFIG": "1"}, provider="disabled"),
    Case(
        "p14_parent_uvtoml_vs_child_pyproject",
        {UVTOML: SUB, "proj/child/pyproject.toml": PYPROJECT + '[tool.uv]\nlink-mode = "copy"\n'},
        cwd="proj/child",
        provider="disabled",
    ),
    Case(
        "p16_config_file_without_setting_vs_cwd_uvtoml",
        {"proj/other.toml": 'link-mode = "copy"\n', UVTOML: SUB},
        flags={"index_url": ALICE_URL, "config_file": "{dir}/proj/other.toml"},
        provider="disabled",
    ),
    Case(
        "p17_config_file_without_setting_vs_user_uvtoml",
        {"proj/other.toml": 'link-mode = "copy"\n', USER: SUB},
        flags={"index_url": ALICE_URL, "config_file": "{dir}/proj/other.toml"},
        provider="disabled",
    ),
    Case(
        "p15_user_uvtoml_vs_project_pyproject",
        {USER: DIS, "proj/pyproject.toml": PYPROJECT + "[tool.uv]\n" + SUB},
        provider="subprocess",
    ),
    Case(
        "h01_uvtoml_bogus_provider",
        {UVTOML: BOGUS + "\n"},
        error=toml_error(
            "uv.toml",
            1,
            20,
            BOGUS,
            7,
            "unknown variant `bogus`, expected `disabled` or `subprocess`",
        ),
    ),
    Case("h02_env_bogus_provider", env={"UV_KEYRING_PROVIDER": "bogus"}, error=CLAP_BOGUS),
    Case(
        "h03_cli_bogus_provider",
        flags={"index_url": ALICE_URL, "keyring_provider": "bogus"},
        error=CLAP_BOGUS,
    ),
    Case(
        "h04_pyproject_bogus_provider",
        {"proj/pyproject.toml": PYPROJECT + "[tool.uv]\n" + BOGUS + "\n"},
        warnings=(
            discovery_warning(
                7, 20, BOGUS, 7, "unknown variant `bogus`, expected `disabled` or `subprocess`"
            ),
        ),
    ),
    Case(
        "h05_uvtoml_unknown_key",
        {UVTOML: 'keyring-providr = "subprocess"\n'},
        error=toml_error(
            "uv.toml",
            1,
            1,
            'keyring-providr = "subprocess"',
            15,
            f"unknown field `keyring-providr`, expected one of {UV_KEYS}",
        ),
    ),
    Case(
        "h06_pyproject_unknown_key",
        {"proj/pyproject.toml": PYPROJECT + '[tool.uv]\nkeyring-providr = "subprocess"\n'},
        warnings=(
            discovery_warning(
                7,
                1,
                'keyring-providr = "subprocess"',
                15,
                f"unknown field `keyring-providr`, expected one of {UV_KEYS}",
            ),
        ),
    ),
    Case(
        "h07_uvtoml_pip_unknown_key",
        {UVTOML: '[pip]\nkeyring-providr = "subprocess"\n'},
        error=toml_error(
            "uv.toml",
            2,
            1,
            'keyring-providr = "subprocess"',
            15,
            f"unknown field `keyring-providr`, expected one of {PIP_KEYS}",
        ),
    ),
    Case(
        "h08_uvtoml_unknown_preview_feature",
        {UVTOML: 'preview-features = ["bogus"]\n'},
        warnings=("Unknown preview feature: `bogus`",),
    ),
    Case(
        "h09_env_unknown_preview_feature",
        env={"UV_PREVIEW_FEATURES": "bogus"},
        warnings=("Unknown preview feature: `bogus`",),
    ),
    Case(
        "h10_cli_mixed_preview_features",
        flags={"index_url": ALICE_URL, "preview_features": ("bogus,native-auth",)},
        features=frozenset({"native-auth"}),
        warnings=("Unknown preview feature: `bogus`",),
    ),
    Case(
        "h11_uvtoml_provider_int",
        {UVTOML: "keyring-provider = 1\n"},
        error=toml_error("uv.toml", 1, 20, "keyring-provider = 1", 1, "wanted string or table"),
    ),
    Case(
        "h12_uvtoml_provider_bool",
        {UVTOML: "keyring-provider = true\n"},
        error=toml_error("uv.toml", 1, 20, "keyring-provider = true", 4, "wanted string or table"),
    ),
    Case(
        "h13_uvtoml_preview_string",
        {UVTOML: 'preview = "yes"\n'},
        error=toml_error(
            "uv.toml", 1, 11, 'preview = "yes"', 5, 'invalid type: string "yes", expected a boolean'
        ),
    ),
    Case(
        "h14_uvtoml_preview_features_string",
        {UVTOML: 'preview-features = "native-auth"\n'},
        error=toml_error(
            "uv.toml",
            1,
            20,
            'preview-features = "native-auth"',
            13,
            'invalid type: string "native-auth", expected a boolean or a list of '
            "preview feature names",
        ),
    ),
    Case(
        "h15_uvtoml_preview_features_int_item",
        {UVTOML: "preview-features = [1]\n"},
        error=toml_error(
            "uv.toml",
            1,
            21,
            "preview-features = [1]",
            1,
            "invalid type: integer `1`, expected a string",
        ),
    ),
    Case(
        "h16_uvtoml_preview_features_empty_name",
        {UVTOML: 'preview-features = [""]\n'},
        error=toml_error(
            "uv.toml", 1, 20, 'preview-features = [""]', 4, "preview feature name cannot be empty"
        ),
    ),
    Case(
        "h17_env_preview_bad_bool",
        env={"UV_PREVIEW": "maybe"},
        error="Failed to parse environment variable `UV_PREVIEW` with invalid value `maybe`: "
        "expected a boolish value",
    ),
    Case(
        "h18_env_preview_features_empty",
        env={"UV_PREVIEW_FEATURES": ""},
        error="invalid value '' for '--preview-features <PREVIEW_FEATURES>': preview feature "
        "name cannot be empty\n\nFor more information, try '--help'.",
    ),
    Case(
        "h19_index_bad_authenticate",
        {
            UVTOML: '[[index]]\nname = "private"\nurl = "http://127.0.0.1:{port}/simple/"\n'
            'default = true\nauthenticate = "sometimes"\n'
        },
        flags={},
        error=toml_error(
            "uv.toml",
            5,
            16,
            'authenticate = "sometimes"',
            11,
            "unknown variant `sometimes`, expected one of `auto`, `always`, `never`",
        ),
    ),
    Case(
        "h20_index_missing_url",
        {UVTOML: '[[index]]\nname = "private"\ndefault = true\n'},
        flags={},
        error=toml_error("uv.toml", 1, 1, "[[index]]", 9, "missing field `url`"),
    ),
    Case(
        "h21_malformed_toml",
        {UVTOML: 'keyring-provider = "subprocess\n'},
        error=toml_error(
            "uv.toml",
            1,
            31,
            'keyring-provider = "subprocess',
            1,
            'invalid basic string, expected `"`',
        ),
    ),
    Case(
        "h22_provider_case",
        {UVTOML: 'keyring-provider = "Subprocess"\n'},
        error=toml_error(
            "uv.toml",
            1,
            20,
            'keyring-provider = "Subprocess"',
            12,
            "unknown variant `Subprocess`, expected `disabled` or `subprocess`",
        ),
    ),
    Case(
        "h23_env_provider_case",
        env={"UV_KEYRING_PROVIDER": "Subprocess"},
        error="invalid value 'Subprocess' for '--keyring-provider <KEYRING_PROVIDER>'\n"
        "  [possible values: disabled, subprocess]\n\n"
        "  tip: a similar value exists: 'subprocess'\n\n"
        "For more information, try '--help'.",
    ),
    Case(
        "h24_pyproject_unknown_preview_feature",
        {"proj/pyproject.toml": PYPROJECT + '[tool.uv]\npreview-features = ["bogus"]\n'},
        warnings=("Unknown preview feature: `bogus`",),
    ),
    Case(
        "h25_user_config_bogus_provider",
        {USER: BOGUS + "\n"},
        error=toml_error(
            "{dir}/home/.config/uv/uv.toml",
            1,
            20,
            BOGUS,
            7,
            "unknown variant `bogus`, expected `disabled` or `subprocess`",
        ),
    ),
    Case(
        "h26_uvtoml_tool_uv_table",
        {UVTOML: "[tool.uv]\n" + SUB},
        error=toml_error(
            "uv.toml", 1, 2, "[tool.uv]", 4, f"unknown field `tool`, expected one of {UV_KEYS}"
        ),
    ),
    Case(
        "h27_env_provider_empty",
        env={"UV_KEYRING_PROVIDER": ""},
        error="a value is required for '--keyring-provider <KEYRING_PROVIDER>' but none was "
        "supplied\n  [possible values: disabled, subprocess]\n\n"
        "For more information, try '--help'.",
    ),
    Case(
        "h29_uvtoml_preview_features_bool",
        {UVTOML: "preview-features = true\n"},
        flags={"index_url": PLAIN_URL},
        features=ALL,
    ),
    Case(
        "h28_cli_unknown_preview_feature_only",
        flags={"index_url": ALICE_URL, "preview_features": ("bogus",)},
        warnings=("Unknown preview feature: `bogus`",),
    ),
    Case(
        "i01_settings_uvtoml",
        {
            UVTOML: SUB + 'preview-features = ["native-auth"]\n[[index]]\nname = "private"\n'
            'url = "http://127.0.0.1:{port}/simple/"\ndefault = true\n'
            'authenticate = "always"\n'
        },
        flags={},
        provider="subprocess",
        features=frozenset({"native-auth"}),
        indexes=(("private", PLAIN_URL, "always", "project"),),
    ),
    Case(
        "i02_settings_env",
        env={"UV_KEYRING_PROVIDER": "subprocess", "UV_PREVIEW_FEATURES": "native-auth,json-output"},
        flags={"index_url": PLAIN_URL},
        provider="subprocess",
        features=frozenset({"native-auth", "json-output"}),
        indexes=((None, PLAIN_URL, "auto", "cli"),),
    ),
    Case("i03_settings_preview_all", flags={"index_url": PLAIN_URL, "preview": True}, features=ALL),
    Case(
        "i04_settings_UV_PREVIEW",
        env={"UV_PREVIEW": "1"},
        flags={"index_url": PLAIN_URL},
        features=ALL,
    ),
    Case(
        "i05_settings_uvtoml_preview_true",
        {UVTOML: "preview = true\n"},
        flags={"index_url": PLAIN_URL},
        features=ALL,
    ),
    Case(
        "i06_settings_no_preview_overrides",
        {UVTOML: "preview = true\n"},
        flags={"index_url": PLAIN_URL, "preview": False},
    ),
    *(
        Case(
            f"i07_settings_feature_name_variants[{spelling!r}]",
            flags={"index_url": PLAIN_URL, "preview_features": (spelling,)},
            features=frozenset(enabled),
            warnings=(f"Unknown preview feature: `{spelling}`",) if not enabled else (),
        )
        for spelling, enabled in (
            ("native-auth", {"native-auth"}),
            ("native_auth", set()),
            ("NativeAuth", set()),
            ("NATIVE-AUTH", set()),
            (" native-auth ", {"native-auth"}),
            ("nativeauth", set()),
            ("native-auth,auth-helper", {"native-auth", "auth-helper"}),
            ("format", {"format-command"}),
            ("native-auth native-auth", set()),
        )
    ),
    Case(
        "i08_settings_features_merge",
        {UVTOML: 'preview-features = ["native-auth"]\n'},
        env={"UV_PREVIEW_FEATURES": "json-output"},
        flags={"index_url": PLAIN_URL, "preview_features": ("auth-helper",)},
        features=frozenset({"auth-helper"}),
    ),
    Case(
        "i13_settings_features_uvtoml_vs_env",
        {UVTOML: 'preview-features = ["native-auth"]\n'},
        env={"UV_PREVIEW_FEATURES": "json-output"},
        flags={"index_url": PLAIN_URL},
        features=frozenset({"json-output"}),
    ),
    Case(
        "i14_settings_features_user_vs_project",
        {
            UVTOML: 'preview-features = ["json-output"]\n',
            USER: 'preview-features = ["native-auth"]\n',
        },
        flags={"index_url": PLAIN_URL},
        features=frozenset({"json-output"}),
    ),
    Case(
        "i15_settings_preview_plus_features[--preview]",
        flags={"index_url": PLAIN_URL, "preview": True, "preview_features": ("native-auth",)},
        features=ALL,
    ),
    Case(
        "i15_settings_preview_plus_features[--no-preview]",
        flags={"index_url": PLAIN_URL, "preview": False, "preview_features": ("native-auth",)},
    ),
    Case(
        "i16_settings_preview_false_with_features",
        {UVTOML: 'preview = false\npreview-features = ["native-auth"]\n'},
        flags={"index_url": PLAIN_URL},
        error="Failed to parse: uv.toml\n  cause: cannot specify both `preview` and "
        "`preview-features`",
    ),
    Case(
        "i09_settings_precedence[CLI disabled]",
        {UVTOML: DIS},
        env={"UV_KEYRING_PROVIDER": "subprocess"},
        flags={"index_url": PLAIN_URL, "keyring_provider": "disabled"},
        provider="disabled",
    ),
    Case(
        "i09_settings_precedence[no CLI]",
        {UVTOML: DIS},
        env={"UV_KEYRING_PROVIDER": "subprocess"},
        flags={"index_url": PLAIN_URL},
        provider="subprocess",
    ),
    Case(
        "i10_settings_user_and_project",
        {UVTOML: DIS, USER: SUB + 'preview-features = ["native-auth"]\n'},
        flags={"index_url": PLAIN_URL},
        provider="disabled",
        features=frozenset({"native-auth"}),
    ),
    # i11: `uv auth login` ignores keyring-provider; loading the same file must still succeed
    # (the auth commands, not the settings layer, decide to ignore the provider).
    Case("i11_settings_auth_login", {UVTOML: SUB}, flags={}, provider="subprocess"),
    # i12: uv shows `origin: None` for a pyproject index; ours names the origin `project`.
    Case(
        "i12_settings_pyproject_index",
        {
            "proj/pyproject.toml": PYPROJECT + '[tool.uv]\n[[tool.uv.index]]\nname = "private"\n'
            'url = "http://127.0.0.1:{port}/simple/"\ndefault = true\n'
            'authenticate = "never"\n'
        },
        flags={},
        indexes=(("private", PLAIN_URL, "never", "project"),),
    ),
)
