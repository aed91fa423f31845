"""The `keyring` command: a fake one on PATH (argv, hang, garbage, traceback, old CLI) and the
real one against a private Secret Service."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from policy.credentials.backends import KeyringBackend, LookupStatus, SubprocessKeyring
from policy.credentials.backends.subprocess_ import MODE_UNSUPPORTED_WARNING
from policy.credentials.backends.testing import BackendContract
from policy.credentials.lookup import CredentialSources
from policy.decision import Decision, decide
from policy.provenance import CredentialSource
from policy.settings.models import AuthPolicy, IndexSettings, KeyringProvider, Settings
from tests.support import fake_keyring, services

pytestmark = pytest.mark.integration

INDEX = "http://127.0.0.1:8080/simple/"
SECRET = services.PASSWORD


@dataclass
class Fake:
    env: dict[str, str]
    log: Path

    def calls(self) -> list[dict[str, object]]:
        return fake_keyring.calls(self.log)

    def backend(self, timeout: float | None = 5.0) -> SubprocessKeyring:
        return SubprocessKeyring(env=self.env, timeout=timeout)


@pytest.fixture
def fake(tmp_path: Path) -> Fake:
    bin_dir = tmp_path / "bin"
    fake_keyring.install(bin_dir)
    log = tmp_path / "calls.jsonl"
    env = {
        **services.isolated_home(tmp_path),
        "PATH": f"{bin_dir}{os.pathsep}{os.defpath}",
        "FAKE_KEYRING_LOG": str(log),
        "FAKE_KEYRING_ANSWERS": json.dumps(
            {
                f"127.0.0.1:8080 {services.USER}": f"{SECRET} \t\n",
                "127.0.0.1:8080": f"{services.USER}\n{SECRET}\n",
            }
        ),
    }
    return Fake(env, log)


def policy_decision(username: str | None) -> Decision:
    """The real policy's decision for the subprocess provider (`always` without a username)."""
    authenticate = AuthPolicy.AUTO if username else AuthPolicy.ALWAYS
    settings = Settings(
        keyring_provider=KeyringProvider.SUBPROCESS,
        indexes=(IndexSettings(name="private", url=INDEX, authenticate=authenticate),),
    )
    return decide(settings, INDEX + "peerpkg/", username)


def test_uv_argv_order_and_trimmed_password(fake: Fake) -> None:
    sources = CredentialSources(env=fake.env, subprocess=fake.backend(), timeout=5)
    found = sources.find(policy_decision(services.USER), services.USER)
    assert found is not None
    assert (found.username, found.password_value) == (services.USER, SECRET)
    assert found.source is CredentialSource.SUBPROCESS_KEYRING
    assert [c["argv"] for c in fake.calls()] == [
        ["get", INDEX, services.USER],
        ["get", "127.0.0.1:8080", services.USER],
    ]
    assert all(c["stdin"] == "" for c in fake.calls())


def test_creds_mode_without_username(fake: Fake) -> None:
    sources = CredentialSources(env=fake.env, subprocess=fake.backend(), timeout=5)
    found = sources.find(policy_decision(None), None)
    assert found is not None
    assert (found.username, found.password_value) == (services.USER, SECRET)
    assert [c["argv"] for c in fake.calls()] == [
        ["get", INDEX, "--mode", "creds"],
        ["get", "127.0.0.1:8080", "--mode", "creds"],
    ]


def test_non_zero_exit_is_a_quiet_miss(fake: Fake, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="policy"):
        result = fake.backend().get("https://elsewhere.example/", "bob")
    assert result.status is LookupStatus.NOT_FOUND
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_hanging_command_is_killed_at_the_deadline(
    fake: Fake, caplog: pytest.LogCaptureFixture
) -> None:
    fake.env["FAKE_KEYRING_MODE"] = "hang"
    sources = CredentialSources(env=fake.env, subprocess=fake.backend(timeout=1.0))
    # The fake command sleeps 120 s: both lookups return only because the deadline killed it.
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert sources.find(policy_decision(services.USER), services.USER) is None
        assert sources.find(policy_decision(services.USER), "bob") is None
    calls = fake.calls()
    assert len(calls) == 1  # after a timeout the command is not asked again
    assert fake_keyring.wait_gone(int(str(calls[0]["pid"])))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "did not answer within 1 s" in warnings[0]
    assert "KEYRING_POLICY_TIMEOUT" in warnings[0]


def test_garbage_output_is_unavailable(fake: Fake, caplog: pytest.LogCaptureFixture) -> None:
    fake.env["FAKE_KEYRING_MODE"] = "garbage"
    sources = CredentialSources(env=fake.env, subprocess=fake.backend())
    with caplog.at_level(logging.WARNING, logger="policy"):
        assert sources.find(policy_decision(services.USER), services.USER) is None
        assert sources.find(policy_decision(None), None) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "not UTF-8" in warnings[0]


def test_traceback_is_unavailable_not_a_miss(fake: Fake) -> None:
    fake.env["FAKE_KEYRING_MODE"] = "traceback"
    result = fake.backend().get(INDEX, services.USER)
    assert result.status is LookupStatus.UNAVAILABLE
    assert "InitError: Failed to create the collection: Prompt dismissed." in result.detail


def test_old_keyring_without_mode_warns_once_with_uvs_text(
    fake: Fake, caplog: pytest.LogCaptureFixture
) -> None:
    fake.env["FAKE_KEYRING_MODE"] = "old"
    sources = CredentialSources(env=fake.env, subprocess=fake.backend())
    with caplog.at_level(logging.WARNING, logger="policy"):
        assert sources.find(policy_decision(None), None) is None
    assert [r.getMessage() for r in caplog.records] == [MODE_UNSUPPORTED_WARNING]
    assert len(fake.calls()) == 3


def test_missing_executable_is_one_debug_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {**services.isolated_home(tmp_path), "PATH": str(tmp_path / "empty")}
    sources = CredentialSources(env=env, subprocess=SubprocessKeyring(env=env), timeout=5)
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert sources.find(policy_decision(services.USER), services.USER) is None
    failures = [r for r in caplog.records if "Failure running `keyring`" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.DEBUG
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# ------------------------------------------------------------------ the real command


def _real_env(secret_service: services.SecretService) -> dict[str, str]:
    return {
        **os.environ,
        **secret_service.env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }


class TestRealKeyringCommandOnSecretService(BackendContract):
    """The real `keyring` CLI, talking to the private gnome-keyring."""

    @pytest.fixture(autouse=True)
    def _service(self, secret_service: services.SecretService) -> None:
        self.env = _real_env(secret_service)

    def make_backend(self) -> KeyringBackend:
        return SubprocessKeyring(env=self.env, timeout=20)


def test_real_command_reads_what_uv_stored(
    secret_service: services.SecretService, index_server: services.IndexServer
) -> None:
    import subprocess

    env = _real_env(secret_service)
    uv = str(Path(sys.executable).parent / "uv")
    services.require(Path(uv).exists(), "uv")
    done = subprocess.run(
        [
            uv,
            "auth",
            "login",
            index_server.simple_url,
            "--username",
            "kc-user",
            "--password",
            SECRET,
            "--preview-features",
            "native-auth",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    try:
        backend = SubprocessKeyring(env=env, timeout=20)
        service = f"uv:http://127.0.0.1:{index_server.port}"
        found = backend.get(service, "kc-user").credentials
        assert found is not None
        assert found.password_value == SECRET
    finally:
        subprocess.run(
            [
                uv,
                "auth",
                "logout",
                index_server.simple_url,
                "--username",
                "kc-user",
                "--preview-features",
                "native-auth",
            ],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )


def test_no_username_without_creds_mode_runs_nothing(fake: Fake) -> None:
    result = fake.backend().get(INDEX, None, creds_mode=False)
    assert result.status is LookupStatus.NOT_FOUND
    assert fake.calls() == []


# ------------------------------------------------------------------ with the real policy


@pytest.mark.parametrize(
    ("username", "authenticate", "argvs"),
    [
        (
            services.USER,
            "auto",
            [["get", INDEX, services.USER], ["get", "127.0.0.1:8080", services.USER]],
        ),
        (
            None,
            "always",
            [["get", INDEX, "--mode", "creds"], ["get", "127.0.0.1:8080", "--mode", "creds"]],
        ),
        (None, "auto", []),
    ],
)
def test_decide_then_find_calls_the_command_as_uv(
    fake: Fake, username: str | None, authenticate: str, argvs: list[list[str]]
) -> None:
    settings = Settings(
        keyring_provider=KeyringProvider.SUBPROCESS,
        indexes=(IndexSettings(name="private", url=INDEX, authenticate=AuthPolicy(authenticate)),),
    )
    decision = decide(settings, INDEX + "peerpkg/", username)
    sources = CredentialSources(env=fake.env, subprocess=fake.backend(), timeout=5)
    found = sources.find(decision, username)
    assert [c["argv"] for c in fake.calls()] == argvs
    if argvs:
        assert found is not None
        assert found.password_value == SECRET


@pytest.mark.parametrize(
    ("service", "username"),
    [
        ("127.0.0.1:8080", "--disable"),
        ("-h", services.USER),
        ("127.0.0.1:8080", "-"),
    ],
)
def test_a_name_beginning_with_a_dash_never_reaches_the_command(
    fake: Fake, caplog: pytest.LogCaptureFixture, service: str, username: str
) -> None:
    """`keyring get <service> --disable` would rewrite the user's keyringrc: not run at all."""
    backend = fake.backend()
    with caplog.at_level(logging.WARNING, logger="policy"):
        first = backend.get(service, username)
        second = backend.get(service, username)
    assert first.status is LookupStatus.NOT_FOUND and second.status is LookupStatus.NOT_FOUND
    assert fake.calls() == []
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "begins with `-`" in warnings[0]
    assert username not in warnings[0] or username == "-"


def test_a_dashed_username_from_a_link_runs_no_keyring_command(fake: Fake) -> None:
    """The whole lookup for `http://--disable@host/...` is a miss; uv's argv otherwise."""
    url = "http://127.0.0.1:8080/files/x.whl"
    settings = Settings(keyring_provider=KeyringProvider.SUBPROCESS)
    decision = decide(settings, url, "--disable")
    assert decision.keyring_lookups  # the policy lists them; the backend refuses to run them
    sources = CredentialSources(env=fake.env, subprocess=fake.backend())
    assert sources.find(decision, "--disable") is None
    assert fake.calls() == []
    assert sources.find(policy_decision(services.USER), services.USER) is not None
    assert next(call["argv"] for call in fake.calls()) == ["get", INDEX, services.USER]
