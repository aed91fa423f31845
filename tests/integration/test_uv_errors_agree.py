"""Invalid `uv.toml` files: real uv 0.13.9 and keyring-policy print the same error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from policy.errors import ConfigError
from policy.settings.models import Overrides
from policy.settings.origins import load_settings
from tests.integration.test_uv_settings_agree import UV
from tests.support.services import require
from tests.uv_observed_cases import adapt

pytestmark = pytest.mark.integration

H = "http://127.0.0.1:9"
BAD = [
    'extra-index-url = "https://x.example/"\n',
    "find-links = [1]\n",
    'no-index = "yes"\n',
    "index-url = 3\n",
    '[pip]\nkeyring-provider = "sometimes"\n',
    "[pip]\nno-index = 1\n",
    'pip.keyring-provider = "nope"\n',
    '[[index]]\nname = "has space"\nurl = "https://x.example/"\n',
    '[[index]]\nname = "caf\u00e9"\nurl = "https://x.example/"\n',
    '[[index]]\nurl = "https://x.example/"\nexplicit = true\n',
    '[[index]]\nname = "a"\nurl = "https://x.example/"\nformat = "wheel"\n',
    '[[index]]\nname = "a"\nurl = 5\n',
    '[[index]]\nname = "a"\nurl = "https://x.example/"\ndefault = "yes"\n',
    'index = [{ name = "a", url = "https://x.example/", authenticate = "maybe" }]\n',
    'index = [{ name = "a" }]\n',
    'preview-features = [\n  "native-auth",\n  2,\n]\n',
    'preview-features = ["native-auth", "  "]\n',
    "preview = 1\n",
    'keyring-provider = "subprocess"\nkeyring-provider = "disabled"\n',
    '[[index]]\nname = "a"\nurl = "https://alice:hunter2@x.example/"\nauthenticate = "nope"\n',
    'cache-dir = "/tmp"\nresolution = "highest"\nbogus = true\n',
    'index = "https://x.example/"\n',
    "[workspace]\nmembers = []\n",
    "  keyring-provider   =   'subprocess-x'  # comment\n",
    # The `url` crate's host check (placeholders pasted from documentation).
    '[[index]]\nname = "ca"\nurl = "https://<domain>-<account>.d.codeartifact.<region>'
    '.amazonaws.com/pypi/<repo>/simple/"\n',
    'extra-index-url = ["https://ok.example/simple/", "https://a^b.example/simple/"]\n',
    'find-links = ["https://xn--zz.example/links/"]\n',
    'index-url = "https://pkgs.<company>.example/simple/"\n',
    '[pip]\nindex-url = "https://1.2.3.256/simple/"\n',
    '[pip]\nfind-links = ["file://<host>/wheels"]\n',
    # `ignore-error-codes`: u16 per element, then an HTTP status code (100-999) for the list.
    '[[index]]\nname = "a"\nurl = "https://x.example/"\nignore-error-codes = [99]\n',
    '[[index]]\nname = "a"\nurl = "https://x.example/"\nignore-error-codes = [403, 1000]\n',
    '[[index]]\nname = "a"\nurl = "https://x.example/"\nignore-error-codes = [-1]\n',
    '[[index]]\nname = "a"\nurl = "https://x.example/"\nignore-error-codes = [401, 65536]\n',
]


@pytest.mark.parametrize("content", BAD, ids=[str(n) for n in range(len(BAD))])
def test_same_error(content: str, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    (tmp_path / "uv.toml").write_text(content, encoding="utf-8")
    (tmp_path / "requirements.in").write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [UV, "--offline", "pip", "compile", "--show-settings", "requirements.in"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stdout[:200]
    expected = adapt(done.stderr.removeprefix("error: ").rstrip("\n"))
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(pip=True), env, tmp_path)
    assert str(raised.value) == expected.replace("hunter2", "****")


def as_pyproject(content: str) -> str:
    body = content.replace("[[index]]", "[[tool.uv.index]]").replace("[pip]", "[tool.uv.pip]")
    return '[project]\nname = "demo"\nversion = "0.1.0"\n\n[tool.uv]\n' + body


SKIPPED = [c for c in BAD if "[workspace]" not in c]  # [tool.uv.workspace] is fine there


@pytest.mark.parametrize("content", SKIPPED, ids=[str(n) for n in range(len(SKIPPED))])
def test_same_pyproject_warning(content: str, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    (tmp_path / "pyproject.toml").write_text(as_pyproject(content), encoding="utf-8")
    (tmp_path / "requirements.in").write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [UV, "--offline", "pip", "compile", "--show-settings", "requirements.in"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    ours = load_settings(Overrides(pip=True), env, tmp_path)
    if done.returncode != 0:  # a TOML syntax error: uv's workspace loader fails hard
        assert ours.warnings and ours.warnings[0].startswith("Failed to parse `pyproject.toml`")
        return
    uv_warnings = [
        block.removeprefix("warning: ").rstrip("\n")
        for block in done.stderr.split("\n\n")
        if block.startswith("warning: ")
    ]
    assert [adapt(w).replace("hunter2", "****") for w in uv_warnings] == list(ours.warnings)


HOSTS = [
    "https://<domain>.example.com/simple/",
    "https://a%3Cb.example/",
    "https://xn--zz.example/",
    "https://1.2.3.256/",
    "https://a.1/",
    "https://a|b/",
    "file://<x>/tmp",
    # Accepted by uv: CheckHyphens is off, Unicode is mapped, empty labels are kept.
    "https://-a_b.example/",
    "https://caf\u00e9.example/",
    "https://a..b/",
    "https://xn--caf-dma.example/",
]


@pytest.mark.parametrize("url", HOSTS)
def test_same_host_check_on_the_command_line(url: str, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    (tmp_path / "requirements.in").write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [UV, "--offline", "pip", "compile", "--no-config", "--index", url, "requirements.in"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    rejected = done.stderr.startswith("error: invalid value")
    overrides = Overrides(pip=True, no_config=True, index=(url,), command_line=True)
    if not rejected:
        assert load_settings(overrides, env, tmp_path).indexes[0].url == url
        return
    with pytest.raises(ConfigError) as raised:
        load_settings(overrides, env, tmp_path)
    assert str(raised.value) == done.stderr.removeprefix("error: ").rstrip("\n")
