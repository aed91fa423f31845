"""The public surface: every name in `__all__` resolves, and importing `policy` is cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import policy


@pytest.mark.parametrize("name", policy.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(policy, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = policy.no_such_name


def test_public_surface_is_what_we_document() -> None:
    assert set(policy.__all__) >= {
        "PolicyAuth",
        "client",
        "async_client",
        "load_settings",
        "decide",
        "Decision",
        "Settings",
        "Credentials",
        "PolicyError",
        "ConfigError",
        "requests_session",
        "PolicyRequestsAuth",
    }


def test_importing_policy_never_imports_requests() -> None:
    """requests is an optional extra: the library and the httpx clients work without it."""
    code = (
        "import sys, policy\n"
        "settings = policy.load_settings(policy.Overrides(no_config=True), env={}, cwd=None)\n"
        "policy.decide(settings, 'https://pypi.org/simple/foo/')\n"
        "policy.client(settings, env={}).close()\n"
        "import policy.fetch.flow, policy.fetch.auth, policy.fetch.simple, policy.cli.main\n"
        "print('requests' in sys.modules)\n"
        "policy.requests_session(settings, env={}).close()\n"
        "print('requests' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_embedding_without_native_provider_never_imports_keyring() -> None:
    code = (
        "import sys, policy\n"
        "settings = policy.load_settings(policy.Overrides(no_config=True), env={}, cwd=None)\n"
        "policy.decide(settings, 'https://pypi.org/simple/foo/')\n"
        "http = policy.client(settings, env={})\n"
        "http.close()\n"
        "print('keyring' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
