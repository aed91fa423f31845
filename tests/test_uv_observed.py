"""Every settings scenario uv 0.13.9 was observed in (d*, h*, i*, p*) gives uv's answer here."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.errors import ConfigError
from policy.settings.models import Overrides, Settings
from policy.settings.origins import load_settings
from policy.settings.preview import FEATURES
from tests.uv_observed_cases import ALL, CASES, Case, adapt

PORT = "8080"


def fill(text: str, root: Path) -> str:
    return text.replace("{dir}", str(root)).replace("{port}", PORT)


def run(case: Case, root: Path) -> Settings:
    for relative, content in case.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fill(content, root))
    (root / "proj").mkdir(exist_ok=True)
    env = {
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "XDG_CONFIG_DIRS": str(root / "xdg-system"),
        **{key: fill(value, root) for key, value in case.env.items()},
    }
    flags = {
        key: fill(value, root) if isinstance(value, str) else value
        for key, value in case.flags.items()
    }
    return load_settings(
        Overrides.model_validate({"pip": True, "command_line": True, **flags}), env, root / case.cwd
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_matches_uv(case: Case, tmp_path: Path) -> None:
    if case.error is not None:
        with pytest.raises(ConfigError) as raised:
            run(case, tmp_path)
        assert str(raised.value) == fill(adapt(case.error), tmp_path)
        return
    settings = run(case, tmp_path)
    assert settings.keyring_provider.value == case.provider
    if case.features == ALL:
        assert settings.preview.all
        assert settings.preview.features == frozenset(FEATURES)
    else:
        assert not settings.preview.all
        assert settings.preview.features == case.features
    assert settings.warnings == tuple(adapt(w) for w in case.warnings)
    if case.indexes is not None:
        got = tuple(
            (i.name, i.url, i.authenticate.value, i.origin.value if i.origin else None)
            for i in settings.indexes
        )
        assert got == tuple((n, fill(u, tmp_path), a, o) for n, u, a, o in case.indexes)


def test_every_observed_scenario_is_covered() -> None:
    ids = {case.id.split("[")[0] for case in CASES}
    expected = {
        *(f"d{n:02d}" for n in range(1, 11)),
        *(f"p{n:02d}" for n in range(1, 18)),
        *(f"h{n:02d}" for n in range(1, 30)),
        *(f"i{n:02d}" for n in range(1, 17)),
    }
    assert {i.split("_")[0] for i in ids} == expected
