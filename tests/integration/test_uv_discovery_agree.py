"""Discovery, merge and index order: real uv 0.13.9 and keyring-policy agree.

Each setup lays out files, environment and flags; uv runs offline with `--show-settings` (every
URL is on 127.0.0.1:9, where nothing listens) and its provider, preview flags, index order and
warnings are compared with ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from policy.settings.models import Overrides
from policy.settings.origins import load_settings
from tests.integration.test_uv_settings_agree import UV, _field, our_row, uv_view
from tests.support.services import require

pytestmark = pytest.mark.integration

H = "http://127.0.0.1:9"
PROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'
CONFIG = (
    f'index-url = "{H}/cfg-default/"\nextra-index-url = ["{H}/cfg-extra/"]\n'
    f'find-links = ["{H}/cfg-flat/"]\n[[index]]\nname = "cfg"\nurl = "{H}/cfg-index/"\n'
)
FLAGS: dict[str, Any] = {
    "index": (f"c={H}/cli-index/",),
    "extra_index_url": (f"{H}/cli-extra/",),
    "index_url": f"{H}/cli-default/",
    "find_links": (f"{H}/cli-flat/",),
}


@dataclass(frozen=True)
class Setup:
    id: str
    files: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    cwd: str = "proj"


SETUPS = [
    Setup(
        "flags-and-config", {"proj/pyproject.toml": PROJECT, "proj/uv.toml": CONFIG}, flags=FLAGS
    ),
    Setup(
        "masked-tool-uv",
        {
            "proj/uv.toml": CONFIG,
            "proj/pyproject.toml": PROJECT + '[tool.uv]\nlink-mode = "copy"\npreview = true\n'
            'keyring-provider = "subprocess"\n'
            f'[[tool.uv.index]]\nname = "p"\nurl = "{H}/p/"\n',
        },
    ),
    Setup(
        "env-lists",
        {"proj/pyproject.toml": PROJECT, "proj/uv.toml": CONFIG},
        env={
            "UV_INDEX": f"e={H}/env-index/ {H}/env-index2/",
            "UV_EXTRA_INDEX_URL": f"{H}/env-extra/",
            "UV_FIND_LINKS": f"{H}/f1/,{H}/f2/",
            "UV_DEFAULT_INDEX": f"d={H}/env-default/",
        },
    ),
    Setup(
        "flag-replaces-env",
        {"proj/pyproject.toml": PROJECT},
        env={"UV_INDEX": f"e={H}/env-index/", "UV_FIND_LINKS": f"{H}/f1/"},
        flags={"index": (f"{H}/cli-index/",), "find_links": (f"{H}/cli-flat/",)},
    ),
    Setup(
        "invalid-adjacent-tool-uv-no-warning",
        {
            "proj/uv.toml": 'link-mode = "copy"\n',
            "proj/pyproject.toml": PROJECT + "[tool.uv]\nbogus = 1\n"
            'keyring-provider = "subprocess"\n',
        },
    ),
    Setup(
        "empty-adjacent-tool-uv-no-warning",
        {"proj/uv.toml": 'link-mode = "copy"\n', "proj/pyproject.toml": PROJECT + "[tool.uv]\n"},
    ),
    Setup(
        "flag-index-keeps-env-default",
        {"proj/pyproject.toml": PROJECT},
        env={"UV_DEFAULT_INDEX": f"d={H}/env-default/", "UV_EXTRA_INDEX_URL": f"{H}/e/"},
        flags={"index": (f"{H}/cli-index/",), "find_links": (f"{H}/cli-flat/",)},
    ),
    Setup(
        "three-files",
        {
            "proj/pyproject.toml": PROJECT,
            "proj/uv.toml": (
                f'extra-index-url = ["{H}/p/"]\n[[index]]\nname = "same"\nurl = "{H}/1/"\n'
            ),
            "home/.config/uv/uv.toml": f'extra-index-url = ["{H}/u/"]\n'
            'keyring-provider = "subprocess"\n'
            f'[[index]]\nname = "same"\nurl = "{H}/2/"\ndefault = true\n',
            "xdg-system/uv/uv.toml": f'extra-index-url = ["{H}/s/"]\npreview = true\n',
        },
    ),
    Setup(
        "pip-sections",
        {
            "proj/pyproject.toml": PROJECT,
            "proj/uv.toml": f'keyring-provider = "disabled"\nindex-url = "{H}/top/"\n'
            f'extra-index-url = ["{H}/top-extra/"]\n',
            "home/.config/uv/uv.toml": f'[pip]\nkeyring-provider = "subprocess"\n'
            f'index-url = "{H}/pip/"\n'
            f'extra-index-url = ["{H}/pip-extra/"]\n',
        },
    ),
    Setup(
        "default-index-flag",
        {
            "proj/pyproject.toml": PROJECT,
            "proj/uv.toml": f'[[index]]\nname = "cfgdef"\nurl = "{H}/cfgdef/"\ndefault = true\n',
        },
        flags={"default_index": f"flagdef={H}/flagdef/"},
    ),
    Setup(
        "no-index", {"proj/pyproject.toml": PROJECT, "proj/uv.toml": "no-index = true\n" + CONFIG}
    ),
    Setup(
        "preview-layers",
        {
            "proj/pyproject.toml": PROJECT,
            "proj/uv.toml": 'preview-features = ["pylock", "bogus"]\n',
            "home/.config/uv/uv.toml": "preview = true\n",
        },
    ),
    Setup(
        "preview-env-list",
        {
            "proj/pyproject.toml": PROJECT,
            "proj/uv.toml": 'preview-features = ["pylock", "bogus"]\n',
        },
        env={"UV_PREVIEW_FEATURES": "native-auth,format"},
    ),
    Setup(
        "config-all-masks-cli-list-but-warns",
        {"proj/pyproject.toml": PROJECT, "proj/uv.toml": "preview = true\n"},
        flags={"preview_features": ("bogus-cli",)},
    ),
    Setup(
        "cli-preview-silences-list",
        {"proj/pyproject.toml": PROJECT},
        flags={"preview": True, "preview_features": ("bogus-cli",)},
    ),
    Setup(
        "env-preview-silences-list",
        {"proj/pyproject.toml": PROJECT},
        env={"UV_PREVIEW": "1", "UV_PREVIEW_FEATURES": "bogus-env"},
    ),
    Setup(
        "masked-config-list-not-warned",
        {"proj/pyproject.toml": PROJECT, "proj/uv.toml": 'preview-features = ["bogus-cfg"]\n'},
        env={"UV_PREVIEW_FEATURES": "pylock,bogus-env"},
    ),
    Setup(
        "workspace-member",
        {
            "proj/pyproject.toml": PROJECT + '[tool.uv]\nkeyring-provider = "subprocess"\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "proj/packages/a/pyproject.toml": PROJECT.replace("demo", "a")
            + '[tool.uv]\nkeyring-provider = "disabled"\n',
        },
        cwd="proj/packages/a",
    ),
    Setup(
        "broken-child-pyproject",
        {
            "proj/uv.toml": 'keyring-provider = "subprocess"\n',
            "proj/child/pyproject.toml": "[tool.uv\n",
        },
        cwd="proj/child",
    ),
]


def uv_args(flags: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for key, value in flags.items():
        option = "--" + key.replace("_", "-")
        for item in value if isinstance(value, tuple) else (value,):
            args += [option] if item is True else [option, item]
    return args


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


@pytest.mark.parametrize("pip", [False, True], ids=["project", "pip"])
@pytest.mark.parametrize("setup", SETUPS, ids=[s.id for s in SETUPS])
def test_uv_agrees(setup: Setup, pip: bool, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    if not pip and "pyproject.toml" not in " ".join(setup.files):
        pytest.skip("project mode needs a project")
    for relative, text in setup.files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cwd = tmp_path / setup.cwd
    cwd.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg-system"),
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
        **setup.env,
    }
    provider, rows, out, err = uv_view(cwd, env, pip, uv_args(setup.flags))
    ours = load_settings(Overrides(pip=pip, **setup.flags), env, cwd)
    assert ours.keyring_provider.value == provider
    if _field(r"no_index: (true|false)", out) == "true":
        rows = [row for row in rows if row[4] == "flat"]  # uv keeps them listed, unused
    assert [our_row(index, {}) for index in ours.indexes] == rows
    flags = re.search(r"preview: Preview \{\s*flags: \[([^\]]*)\]", out)
    assert flags is not None
    uv_features = {name for name in re.split(r"[\s,]+", flags.group(1)) if name}
    assert {camel(name) for name in ours.preview.features} == uv_features
    settings_warnings = [
        block.removeprefix("warning: ").rstrip("\n")
        for block in re.split(r"\n(?=warning: )", err)
        if block.startswith(
            ("warning: Unknown preview", "warning: Found both", "warning: Failed to parse")
        )
    ]
    assert [w.split("\n\n")[0] for w in settings_warnings] == list(ours.warnings)
    assert _field(r"no_index: (true|false)", out) == str(ours.no_index).lower()
