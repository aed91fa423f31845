"""Generate and check the JSON Schemas under `schemas/` from the models.

`uv-toml.json` describes a `uv.toml` file (the same schema as `[tool.uv]`): the keys
keyring-policy reads, fully typed, and every other key uv knows, accepted as-is;
`settings.json` the resolved `Settings`; `tool-keyring-policy.json` the `[tool.keyring-policy]`
table of `pyproject.toml`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policy.settings.file_models import PIP_KEYS, UV_KEYS, KeyringPolicyOptions, UvOptions
from policy.settings.models import Settings

IGNORED = "Accepted for uv compatibility; keyring-policy does not use it."


def _strict(schema: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    properties = schema.setdefault("properties", {})
    for key in known:
        properties.setdefault(key, {"description": IGNORED})
    schema["properties"] = {key: properties[key] for key in known if key in properties} | {
        key: value for key, value in properties.items() if key not in known
    }
    schema["additionalProperties"] = False
    return schema


def uv_toml_schema() -> dict[str, Any]:
    """The `uv.toml` / `[tool.uv]` schema."""
    schema = UvOptions.model_json_schema(by_alias=True)
    schema["title"] = "uv.toml (as read by keyring-policy)"
    _strict(schema, UV_KEYS)
    definitions = schema.get("$defs", {})
    if "PipOptions" in definitions:
        _strict(definitions["PipOptions"], PIP_KEYS)
    return schema


def generate() -> dict[str, str]:
    """File name -> the exact text `schemas/` should hold."""
    schemas = {
        "uv-toml.json": uv_toml_schema(),
        "settings.json": Settings.model_json_schema(),
        "tool-keyring-policy.json": KeyringPolicyOptions.model_json_schema(by_alias=True),
    }
    return {
        name: json.dumps(schema, indent=2, sort_keys=False) + "\n"
        for name, schema in schemas.items()
    }


def write(directory: Path) -> list[Path]:
    """Write every schema into `directory`; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check(directory: Path) -> list[str]:
    """The names of schemas that are missing or differ from what the models generate."""
    stale = []
    for name, text in generate().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
