"""The real-world-style configurations under tests/data/real_world and how to place them.

File names say what each one is: `NN-topic.uv.toml` is a `uv.toml`, `NN-topic.pyproject.toml`
a `pyproject.toml`. They follow the shapes public projects use (PyTorch's explicit CPU index,
Azure Artifacts / Google Artifact Registry / CodeArtifact / Artifactory / devpi / Nexus feeds,
workspaces, `[pip]` sections for lock scripts, mirrors, flat wheel directories, explicit indexes
with `[tool.uv.sources]`, placeholders pasted from documentation).
"""

from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).parent / "data" / "real_world"
FILES = sorted(DATA.glob("*.toml"))
_HOST = re.compile(r"(?P<scheme>https?)://(?P<info>[^/@\"'\s]*@)?[^/\"'\s]+")


def place(source: Path, directory: Path, *, local: bool = False) -> Path:
    """Copy one configuration into `directory` under its real name; returns that path.

    `local=True` points every URL at 127.0.0.1:9 (nothing listens there) so that running the
    real uv against it can never reach the network.
    """
    text = source.read_text(encoding="utf-8")
    if local:
        text = _HOST.sub(lambda m: f"http://{m['info'] or ''}127.0.0.1:9", text)
    name = "pyproject.toml" if source.name.endswith(".pyproject.toml") else "uv.toml"
    target = directory / name
    target.write_text(text, encoding="utf-8")
    return target


def is_project(source: Path) -> bool:
    """Whether the file is a project `pyproject.toml` (uv's project commands apply)."""
    return source.name.endswith(".pyproject.toml")
