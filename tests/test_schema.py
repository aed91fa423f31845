"""`schemas/` is generated from the models and committed up to date."""

from __future__ import annotations

import json
from pathlib import Path

from policy.cli.main import main
from policy.settings import schema
from policy.settings.file_models import PIP_KEYS, UV_KEYS

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_committed_schemas_are_current() -> None:
    assert schema.check(SCHEMAS) == [], "run `keyring-policy schema` and commit schemas/"


def test_expected_files() -> None:
    assert {"uv-toml.json", "settings.json"} <= set(schema.generate())


def test_uv_toml_schema_knows_every_uv_key_and_nothing_else() -> None:
    data = json.loads(schema.generate()["uv-toml.json"])
    assert list(data["properties"]) == list(UV_KEYS)
    assert data["additionalProperties"] is False
    assert data["properties"]["keyring-provider"]["anyOf"][0] == {"$ref": "#/$defs/KeyringProvider"}
    assert data["$defs"]["KeyringProvider"]["enum"] == ["disabled", "subprocess", "native"]
    assert list(data["$defs"]["PipOptions"]["properties"]) == list(PIP_KEYS)
    index = data["$defs"]["IndexOptions"]
    assert "keyring" in index["properties"] and "additionalProperties" not in index


def test_command_writes_then_checks(tmp_path: Path, capsys: object) -> None:
    assert main(["schema", "--check", "--directory", str(tmp_path)]) == 1
    assert main(["schema", "--directory", str(tmp_path)]) == 0
    assert main(["schema", "--check", "--directory", str(tmp_path)]) == 0
    (tmp_path / "schemas" / "settings.json").write_text("{}\n")
    assert main(["schema", "--check", "--directory", str(tmp_path)]) == 1
