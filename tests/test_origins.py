"""Discovery, merge order, provenance and error handling of `policy.settings.origins`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

from policy.errors import ConfigError
from policy.settings.models import IndexFormat, KeyringProvider, Origin, Overrides, Settings
from policy.settings.origins import CONFIG_FILE_WARNING, load_settings

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'


class Tree:
    """A scratch filesystem: project dir, HOME, XDG system dir; an environment to match."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = root / "proj"
        self.project.mkdir()
        self.env: dict[str, str] = {
            "HOME": str(root / "home"),
            "XDG_CONFIG_DIRS": str(root / "xdg-system"),
        }

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def load(self, cwd: str = "proj", **flags: object) -> Settings:
        return self.load_flags(flags, cwd)

    def load_flags(self, flags: Mapping[str, object], cwd: str = "proj") -> Settings:
        """As `load`, with the flags in a mapping (validated as the CLI's would be)."""
        return load_settings(
            Overrides.model_validate({"command_line": True, **flags}), self.env, self.root / cwd
        )


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


ORIGINS = ("cli", "env", "config-file", "project", "user", "system")  # highest first


FILE_OF_ORIGIN = {
    "config-file": "proj/other.toml",
    "project": "proj/uv.toml",
    "user": "home/.config/uv/uv.toml",
    "system": "xdg-system/uv/uv.toml",
}


def put_in_file(tree: Tree, origin: str, text: str, flags: dict[str, object]) -> str:
    """Write `text` (its setting on line 2) to the file of a file origin; returns `path:2`."""
    path = tree.write(FILE_OF_ORIGIN[origin], text)
    if origin == "config-file":
        flags["config_file"] = str(path)
    return f"{path}:2"


def put(tree: Tree, origin: str, provider: str, flags: dict[str, object]) -> str:
    """Set keyring-provider in one origin; returns the provenance it must produce."""
    line = f'keyring-provider = "{provider}"\n'
    if origin == "cli":
        flags["keyring_provider"] = provider
        return "cli --keyring-provider"
    if origin == "env":
        tree.env["UV_KEYRING_PROVIDER"] = provider
        return "env UV_KEYRING_PROVIDER"
    return put_in_file(tree, origin, "# comment\n" + line, flags)


@pytest.mark.parametrize(("high", "low"), list(itertools.permutations(ORIGINS, 2)))
def test_precedence_of_every_ordered_pair(tree: Tree, high: str, low: str) -> None:
    flags: dict[str, object] = {}
    where_high = put(tree, high, "native", flags)
    where_low = put(tree, low, "subprocess", flags)
    settings = tree.load_flags(flags)
    winner = min(high, low, key=ORIGINS.index)
    assert settings.keyring_provider == (
        KeyringProvider.NATIVE if winner == high else KeyringProvider.SUBPROCESS
    )
    assert settings.sources["keyring_provider"] == (where_high if winner == high else where_low)


def test_lists_concatenate_files_highest_first(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'extra-index-url = ["https://p.example/simple/"]\n')
    tree.write("home/.config/uv/uv.toml", 'extra-index-url = ["https://u.example/simple/"]\n')
    tree.write("xdg-system/uv/uv.toml", 'extra-index-url = ["https://s.example/simple/"]\n')
    urls = [index.url for index in tree.load().indexes]
    assert urls == [
        "https://p.example/simple/",
        "https://u.example/simple/",
        "https://s.example/simple/",
    ]
    origins = [index.origin for index in tree.load().indexes]
    assert origins == [Origin.PROJECT, Origin.USER, Origin.SYSTEM]


def test_cli_list_replaces_env_list(tree: Tree) -> None:
    tree.env["UV_INDEX"] = "e1=https://e1.example/ https://e2.example/"
    tree.env["UV_FIND_LINKS"] = "https://f1.example/,https://f2.example/"
    assert [(i.name, i.url, i.origin) for i in tree.load().indexes] == [
        ("e1", "https://e1.example/", Origin.ENV),
        (None, "https://e2.example/", Origin.ENV),
        (None, "https://f1.example/", Origin.ENV),
        (None, "https://f2.example/", Origin.ENV),
    ]
    settings = tree.load(index=("c=https://c.example/",))
    assert [(i.name, i.url) for i in settings.indexes] == [
        ("c", "https://c.example/"),
        (None, "https://f1.example/"),
        (None, "https://f2.example/"),
    ]
    assert settings.indexes[-1].format is IndexFormat.FLAT


MIXED = (
    'index-url = "https://cfg-default.example/simple/"\n'
    'extra-index-url = ["https://cfg-extra.example/simple/"]\n'
    '[[index]]\nname = "cfg"\nurl = "https://cfg-index.example/simple/"\n'
)


def test_project_mode_order(tree: Tree) -> None:
    tree.write("proj/uv.toml", MIXED)
    settings = tree.load(
        index=("https://cli-index.example/",),
        extra_index_url=("https://cli-extra.example/",),
        index_url="https://cli-default.example/",
    )
    assert [i.url for i in settings.indexes] == [
        "https://cli-index.example/",
        "https://cfg-index.example/simple/",
        "https://cli-extra.example/",
        "https://cfg-extra.example/simple/",
        "https://cli-default.example/",
    ]


def test_pip_mode_order_keeps_both_index_urls(tree: Tree) -> None:
    tree.write("proj/uv.toml", MIXED)
    settings = tree.load(
        pip=True,
        index=("https://cli-index.example/",),
        extra_index_url=("https://cli-extra.example/",),
        index_url="https://cli-default.example/",
    )
    assert [i.url for i in settings.indexes] == [
        "https://cli-index.example/",
        "https://cli-extra.example/",
        "https://cfg-index.example/simple/",
        "https://cfg-extra.example/simple/",
        "https://cli-default.example/",
        "https://cfg-default.example/simple/",
    ]


def test_duplicate_names_first_wins(tree: Tree) -> None:
    tree.write("proj/uv.toml", '[[index]]\nname = "a"\nurl = "https://one.example/"\n')
    tree.write("home/.config/uv/uv.toml", '[[index]]\nname = "a"\nurl = "https://two.example/"\n')
    assert [i.url for i in tree.load().indexes] == ["https://one.example/"]


def test_pip_section_from_user_beats_top_level_from_project(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'keyring-provider = "disabled"\n')
    tree.write("home/.config/uv/uv.toml", '[pip]\nkeyring-provider = "subprocess"\n')
    assert tree.load(pip=True).keyring_provider is KeyringProvider.SUBPROCESS
    assert tree.load().keyring_provider is KeyringProvider.DISABLED


def test_no_index_keeps_flat_indexes(tree: Tree) -> None:
    tree.write(
        "proj/uv.toml",
        'no-index = true\nfind-links = ["https://flat.example/"]\n'
        'extra-index-url = ["https://x.example/"]\n',
    )
    settings = tree.load()
    assert settings.no_index
    assert [i.url for i in settings.indexes] == ["https://flat.example/"]
    assert settings.sources["no_index"].endswith("uv.toml:1")


def test_relative_index_path_is_resolved_against_the_file(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'find-links = ["wheels"]\n')
    assert tree.load(cwd="proj").indexes[0].url == (tree.project / "wheels").as_uri()


def test_pyproject_without_tool_uv_is_skipped(tree: Tree) -> None:
    tree.write("uv.toml", 'keyring-provider = "subprocess"\n')
    tree.write("proj/pyproject.toml", PYPROJECT)
    settings = tree.load()
    assert settings.keyring_provider is KeyringProvider.SUBPROCESS
    assert settings.config_files == (str(tree.root / "uv.toml"),)


def test_broken_pyproject_is_warned_about_and_skipped(tree: Tree) -> None:
    tree.write("uv.toml", 'keyring-provider = "subprocess"\n')
    tree.write("proj/pyproject.toml", "[project\n")
    settings = tree.load()
    assert settings.keyring_provider is KeyringProvider.SUBPROCESS
    assert settings.warnings[0].startswith(
        "Failed to parse `pyproject.toml` during settings discovery:\n  TOML parse error at line 1"
    )


def test_workspace_member_reads_the_root(tree: Tree) -> None:
    tree.write(
        "proj/pyproject.toml",
        PYPROJECT + '[tool.uv]\nkeyring-provider = "subprocess"\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    )
    tree.write(
        "proj/packages/a/pyproject.toml", PYPROJECT + '[tool.uv]\nkeyring-provider = "disabled"\n'
    )
    assert tree.load(cwd="proj/packages/a").keyring_provider is KeyringProvider.SUBPROCESS
    tree.write(
        "proj/other/b/pyproject.toml", PYPROJECT + '[tool.uv]\nkeyring-provider = "disabled"\n'
    )
    assert tree.load(cwd="proj/other/b").keyring_provider is KeyringProvider.DISABLED


def test_tool_keyring_policy_beats_tool_uv(tree: Tree) -> None:
    path = tree.write(
        "proj/pyproject.toml",
        PYPROJECT + '[tool.uv]\nkeyring-provider = "subprocess"\n'
        '[tool.keyring-policy]\nkeyring-provider = "native"\n',
    )
    settings = tree.load()
    assert settings.keyring_provider is KeyringProvider.NATIVE
    assert settings.sources["keyring_provider"] == f"{path}:7"


def test_tool_keyring_policy_beside_a_uv_toml(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'keyring-provider = "subprocess"\n')
    tree.write(
        "proj/pyproject.toml",
        PYPROJECT + '[tool.uv]\n[tool.keyring-policy]\nkeyring-provider = "native"\n',
    )
    assert tree.load().keyring_provider is KeyringProvider.NATIVE


def test_bad_tool_keyring_policy_is_an_error(tree: Tree) -> None:
    tree.write(
        "proj/pyproject.toml", PYPROJECT + '[tool.uv]\n[tool.keyring-policy]\nkeyring = "native"\n'
    )
    with pytest.raises(ConfigError, match="unknown field `keyring`, expected `keyring-provider`"):
        tree.load()


def test_user_file_under_home_when_xdg_config_home_is_unset_or_relative(tree: Tree) -> None:
    tree.write("home/.config/uv/uv.toml", 'keyring-provider = "subprocess"\n')
    assert tree.load().keyring_provider is KeyringProvider.SUBPROCESS
    tree.env["XDG_CONFIG_HOME"] = "relative/dir"
    assert tree.load().keyring_provider is KeyringProvider.SUBPROCESS
    tree.env["XDG_CONFIG_HOME"] = str(tree.root / "elsewhere")
    assert tree.load().keyring_provider is KeyringProvider.DISABLED


def test_system_file_first_existing_dir_and_opt_out(tree: Tree) -> None:
    tree.write("sys2/uv/uv.toml", 'keyring-provider = "subprocess"\n')
    tree.env["XDG_CONFIG_DIRS"] = f"{tree.root / 'sys1'}:{tree.root / 'sys2'}"
    assert tree.load().keyring_provider is KeyringProvider.SUBPROCESS
    tree.env["UV_NO_SYSTEM_CONFIG"] = "true"
    assert tree.load().keyring_provider is KeyringProvider.DISABLED
    tree.env["UV_NO_SYSTEM_CONFIG"] = "sometimes"
    with pytest.raises(ConfigError, match="`UV_NO_SYSTEM_CONFIG` with invalid value"):
        tree.load()


def test_config_file_named_pyproject_warns(tree: Tree) -> None:
    path = tree.write("proj/pyproject.toml", 'keyring-provider = "subprocess"\n')
    settings = tree.load(config_file=str(path))
    assert settings.warnings == (CONFIG_FILE_WARNING,)
    assert settings.indexes == ()
    assert settings.config_files == (str(path),)


def test_missing_config_file_is_an_error(tree: Tree) -> None:
    # uv's words, with the path as given.
    with pytest.raises(ConfigError) as raised:
        tree.load(config_file="nope.toml")
    assert str(raised.value) == (
        "failed to open file `nope.toml`: No such file or directory (os error 2)"
    )


def test_project_only_field_in_uv_toml(tree: Tree) -> None:
    tree.write("proj/uv.toml", "[sources]\n")
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert str(raised.value).startswith(
        "Failed to parse `uv.toml`. The `sources` field is not allowed in a `uv.toml` file."
    )


def test_directory_override(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'keyring-provider = "subprocess"\n')
    settings = load_settings(Overrides(directory="proj"), tree.env, tree.root)
    assert settings.keyring_provider is KeyringProvider.SUBPROCESS


def test_bad_index_name_from_env_names_the_flag(tree: Tree) -> None:
    tree.env["UV_INDEX"] = "bad!name=https://x.example/"
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert str(raised.value).startswith(
        "invalid value 'bad!name=https://x.example/' for "
        "'--index <INDEX>': Index names may only contain"
    )


def test_explicit_index_needs_a_name(tree: Tree) -> None:
    tree.write("proj/uv.toml", '[[index]]\nurl = "https://x.example/"\nexplicit = true\n')
    with pytest.raises(ConfigError, match="An index with `explicit = true` requires a `name`"):
        tree.load()


def test_index_keyring_key_and_unknown_index_keys(tree: Tree) -> None:
    tree.write(
        "proj/uv.toml",
        '[[index]]\nname = "a"\nurl = "https://x.example/"\n'
        'keyring = "skip"\nsomething-new = 1\n'
        'keyring-provider = "subprocess"\n',
    )
    settings = tree.load()
    assert settings.indexes[0].keyring.value == "skip"
    # A key written after an [[index]] header belongs to the index table: ignored there.
    assert settings.keyring_provider is KeyringProvider.DISABLED


SECRET = "hunter2-secret"


def test_errors_never_echo_a_secret(tree: Tree) -> None:
    tree.write(
        "proj/uv.toml",
        f'index-url = "https://alice:{SECRET}@x.example/simple/"\n'
        f'extra-index-url = "https://bob:{SECRET}@y.example/"\n',
    )
    with pytest.raises(ConfigError) as raised:
        tree.load()
    message = str(raised.value)
    assert SECRET not in message
    assert "https://bob:****@y.example/" in message
    assert "expected a sequence" in message


def test_clap_errors_never_echo_a_secret(tree: Tree) -> None:
    with pytest.raises(ConfigError) as raised:
        tree.load(keyring_provider=f"https://u:{SECRET}@h/")
    assert SECRET not in str(raised.value)


def test_provenance_never_holds_values(tree: Tree) -> None:
    tree.write(
        "proj/uv.toml",
        f'keyring-provider = "subprocess"\n[[index]]\nname = "a"\n'
        f'url = "https://alice:{SECRET}@x.example/"\n',
    )
    tree.env["UV_PREVIEW_FEATURES"] = "native-auth"
    settings = tree.load()
    assert SECRET not in repr(settings.sources)
    assert settings.sources["preview"] == "env UV_PREVIEW_FEATURES"
    assert settings.sources["indexes[0]"] == f"{tree.project / 'uv.toml'}:2"


def test_no_config_from_env_and_flag(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'keyring-provider = "subprocess"\n')
    tree.env["UV_NO_CONFIG"] = "yes"
    assert tree.load().config_files == ()
    del tree.env["UV_NO_CONFIG"]
    assert tree.load(no_config=True).keyring_provider is KeyringProvider.DISABLED


def test_env_quirks_as_uv_has_them(tree: Tree) -> None:
    tree.env["UV_NO_INDEX"] = "maybe"  # uv 0.13.9 does not read it
    tree.env["UV_INDEX"] = ""  # empty list variables are ignored
    assert tree.load().no_index is False
    tree.env["UV_NO_CONFIG"] = "maybe"
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert str(raised.value) == (
        "invalid value 'maybe' for '--no-config': value was not a "
        "boolean\n\nFor more information, try '--help'."
    )
    tree.env["UV_NO_CONFIG"] = "0"
    tree.env["UV_CONFIG_FILE"] = ""
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert str(raised.value) == (
        "a value is required for '--config-file <CONFIG_FILE>' but none "
        "was supplied\n\nFor more information, try '--help'."
    )


def test_invalid_index_url_is_masked(tree: Tree) -> None:
    tree.env["UV_INDEX_URL"] = f"http://u:{SECRET}@h:99999/"
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert str(raised.value) == (
        "invalid value 'http://u:****@h:99999/' for '--index-url "
        "<INDEX_URL>': invalid port number\n\n"
        "For more information, try '--help'."
    )
    del tree.env["UV_INDEX_URL"]
    tree.write("proj/uv.toml", f'index-url = "https://u:{SECRET}@:1/"\n')
    with pytest.raises(ConfigError) as raised:
        tree.load()
    assert SECRET not in str(raised.value)


def test_config_files_lists_the_pyproject_beside_a_uv_toml(tree: Tree) -> None:
    tree.write("proj/uv.toml", 'keyring-provider = "subprocess"\n')
    tree.write(
        "proj/pyproject.toml",
        PYPROJECT + '[tool.uv]\n[tool.keyring-policy]\nkeyring-provider = "native"\n',
    )
    assert tree.load().config_files == (
        str(tree.project / "uv.toml"),
        str(tree.project / "pyproject.toml"),
    )


def put_features(tree: Tree, origin: str, feature: str, flags: dict[str, object]) -> str:
    """Set a preview feature list in one origin; returns the provenance it must produce."""
    if origin == "cli":
        flags["preview_features"] = (feature,)
        return "cli --preview-features"
    if origin == "env":
        tree.env["UV_PREVIEW_FEATURES"] = feature
        return "env UV_PREVIEW_FEATURES"
    return put_in_file(tree, origin, f'\npreview-features = ["{feature}"]\n', flags)


@pytest.mark.parametrize(("high", "low"), list(itertools.permutations(ORIGINS, 2)))
def test_preview_list_precedence_of_every_ordered_pair(tree: Tree, high: str, low: str) -> None:
    flags: dict[str, object] = {}
    where_high = put_features(tree, high, "pylock", flags)
    where_low = put_features(tree, low, "json-output", flags)
    settings = tree.load_flags(flags)
    winner = min(high, low, key=ORIGINS.index)
    assert settings.preview.features == {"pylock" if winner == high else "json-output"}
    assert settings.sources["preview"] == (where_high if winner == high else where_low)


def test_a_blank_uv_index_entry_is_uvs_error_and_masks_the_password(tree: Tree) -> None:
    tree.env["UV_INDEX"] = "https://alice:Hunter2-s3cret@pkgs.example.com/simple/ b="
    with pytest.raises(ConfigError) as raised:
        tree.load()
    # clap quotes the whole variable, not the blank entry.
    assert str(raised.value).startswith(
        "invalid value 'https://alice:****@pkgs.example.com/simple/ b='"
    )
    assert "Hunter2-s3cret" not in str(raised.value)
    assert "path could not be converted to an absolute path" in str(raised.value)


def test_a_config_file_warning_survives_the_error(tree: Tree) -> None:
    path = tree.write("proj/pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError) as raised:
        tree.load(config_file=str(path))
    assert raised.value.warnings == (CONFIG_FILE_WARNING,)
    assert str(raised.value).startswith("Failed to parse: ")
