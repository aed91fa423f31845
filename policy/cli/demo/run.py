"""`keyring-policy demo`: the whole flow on embedded defaults, narrated step by step.

An index with Basic auth on 127.0.0.1 (`policy.cli.demo.index_server`), an isolated keyring file
in a temporary directory (`policy.cli.demo.keyring_file`, handed to the native provider
explicitly, so the user's own keyring is never touched), and a `uv.toml` per step. Each step
prints the decision first, then what went over the wire and what was stored. The password is
random and is never printed. Everything is removed at the end.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from policy.cli.demo.index_server import DemoIndex, RecordedRequest
from policy.cli.demo.keyring_file import DemoFileKeyring
from policy.credentials.backends.native import NativeKeyring
from policy.credentials.lookup import CredentialSources
from policy.decision import decide
from policy.env import index_password_var, index_username_var
from policy.errors import PolicyError
from policy.fetch.clients import client, policy_auth
from policy.fetch.download import download_all
from policy.fetch.search import search_project
from policy.fetch.simple import newest_files
from policy.settings.models import Overrides, Settings
from policy.settings.origins import load_settings

INDEX_NAME = "demo"
PROJECT = "demo-pkg"
USERNAME = "alice"


@dataclass(frozen=True)
class Step:
    """One narrated fetch: its configuration, environment and what it must show."""

    title: str
    uv_toml: str
    change: str
    with_env_credentials: bool
    expect_stored: bool
    expect_unauthorized: bool
    expect_success: bool = True


@dataclass
class Outcome:
    """What one step did."""

    requests: list[RecordedRequest] = field(default_factory=list)
    stored: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def _uv_toml(index_url: str, *, native_auth: bool, extra: str = "") -> str:
    preview = 'preview-features = ["native-auth"]\n' if native_auth else ""
    return (
        'keyring-provider = "native"\n'
        f"{preview}\n"
        "[[index]]\n"
        f'name = "{INDEX_NAME}"\n'
        f'url = "{index_url}"\n'
        'keyring = "store"\n'
        f"{extra}"
    )


def _steps(index_url: str) -> tuple[Step, ...]:
    user_var, password_var = index_username_var(INDEX_NAME), index_password_var(INDEX_NAME)
    return (
        Step(
            f"First fetch, credentials from {user_var} / {password_var}",
            _uv_toml(index_url, native_auth=True),
            "as above",
            with_env_credentials=True,
            expect_stored=True,
            expect_unauthorized=False,
        ),
        Step(
            "Second fetch, no credentials given: the keyring has them now",
            _uv_toml(index_url, native_auth=True),
            "as above",
            with_env_credentials=False,
            expect_stored=False,
            expect_unauthorized=False,
        ),
        Step(
            "The same first fetch without the preview feature `native-auth` (new keyring)",
            _uv_toml(index_url, native_auth=False),
            "without `preview-features`",
            with_env_credentials=True,
            expect_stored=False,
            expect_unauthorized=False,
        ),
        Step(
            'authenticate = "never": nothing is attached, the keyring is not read',
            _uv_toml(index_url, native_auth=True, extra='authenticate = "never"\n'),
            'as above, plus `authenticate = "never"` in the [[index]]',
            with_env_credentials=True,
            expect_stored=False,
            expect_unauthorized=True,
            expect_success=False,
        ),
    )


class _Collect(logging.Handler):
    """Keeps the library's warnings for the narration instead of printing them twice."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collected_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("policy")
    handler = _Collect()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield handler.messages
    finally:
        logger.handlers[:], logger.propagate, logger.level = saved


def _isolated_env(root: Path) -> dict[str, str]:
    home = root / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_DIRS": str(root / "xdg"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "NETRC": str(root / "no-netrc"),
        "PATH": "",
    }
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        Path(env[name]).mkdir(parents=True, exist_ok=True)
    return env


class Demo:
    """Runs the steps against one embedded index; `out` receives the narration."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.password = secrets.token_urlsafe(18)
        self.index_url = ""
        self.keyring_note = ""
        self.records: list[dict[str, Any]] = []

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def run(self) -> int:
        with (
            tempfile.TemporaryDirectory(prefix="keyring-policy-demo-") as temp,
            DemoIndex(USERNAME, self.password, projects=(PROJECT,)) as index,
        ):
            root = Path(temp)
            keyring_file = root / "keyring.json"
            self.index_url = index.url
            self.keyring_note = f"{keyring_file} (isolated demo keyring; your own is not used)"
            self.say("keyring-policy demo")
            self.say(f"  index    {index.url}  (Basic auth, user {USERNAME}; password never shown)")
            self.say(f"  keyring  {keyring_file}  (isolated; your own keyring is not used)")
            steps = _steps(index.url)
            lines = [line for line in steps[0].uv_toml.splitlines() if line]
            self.say(f"  uv.toml  {lines[0]}")
            for line in lines[1:]:
                self.say(f"           {line}")
            failures = 0
            for number, step in enumerate(steps, start=1):
                if number == 3:  # a fresh keyring: nothing stored by steps 1 and 2
                    keyring_file = root / "keyring-without-native-auth.json"
                failures += self._run_step(
                    number, step, root / f"step{number}", index, DemoFileKeyring(keyring_file)
                )
            self.say()
            if failures:
                self.say(f"demo: {failures} step(s) did not behave as expected")
                return 1
            self.say("demo: every step behaved as expected; temporary files removed")
            return 0

    def _settings(self, directory: Path, step: Step, env: Mapping[str, str]) -> Settings:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "uv.toml").write_text(step.uv_toml, encoding="utf-8")
        return load_settings(Overrides(directory=str(directory)), env=env, cwd=directory)

    def _run_step(
        self, number: int, step: Step, directory: Path, index: DemoIndex, keyring: DemoFileKeyring
    ) -> int:
        env = _isolated_env(directory)
        if step.with_env_credentials:
            env[index_username_var(INDEX_NAME)] = USERNAME
            env[index_password_var(INDEX_NAME)] = self.password
        self.say()
        self.say(f"{number}. {step.title}")
        self.say(f"   uv.toml    {step.change}")
        outcome = Outcome()
        with _collected_warnings() as warnings:
            try:
                settings = self._settings(directory, step, env)
                self._explain(settings, index.url + f"{PROJECT}/")
                index.take_requests()
                sources = CredentialSources(env=env, native=NativeKeyring(keyring, timeout=5))
                with client(settings, env=env, sources=sources) as http:
                    page = search_project(http, settings, PROJECT)
                    download_all(
                        http,
                        newest_files(page),
                        directory / "downloads",
                        progress=io.StringIO(),
                        project=PROJECT,
                    )
                    outcome.stored = list(policy_auth(http).stored)
            except PolicyError as error:
                outcome.error = str(error).splitlines()[0]
            outcome.requests = index.take_requests()
        outcome.warnings = list(warnings)
        self._report(step, outcome, keyring)
        as_expected = self._as_expected(step, outcome)
        self.records.append(self._record(step, outcome, as_expected))
        return 0 if as_expected else 1

    @staticmethod
    def _record(step: Step, outcome: Outcome, as_expected: bool) -> dict[str, Any]:
        """One step for `demo --format json` (never the password)."""
        return {
            "title": step.title,
            "requests": [
                {
                    "method": r.method,
                    "path": r.path,
                    "status": r.status,
                    "credentials_sent": r.had_credentials,
                }
                for r in outcome.requests
            ],
            "stored": list(outcome.stored),
            "warnings": list(outcome.warnings),
            "error": outcome.error,
            "as_expected": as_expected,
        }

    def _explain(self, settings: Settings, url: str) -> None:
        decision = decide(settings, url).to_json()
        self.say(
            f"   decision   read keyring: {'yes' if decision['read'] else 'no'}   "
            f"store: {'yes' if decision['store'] else 'no'}   "
            f"authenticate: {decision['authenticate']}"
        )
        self.say(f"   sources    {' -> '.join(decision['sources'])}")
        if decision["keyring_services"]:
            self.say(f"   services   {', '.join(decision['keyring_services'])}")
        for reason in decision["reasons"]:
            self.say(f"   why        {reason}")

    def _report(self, step: Step, outcome: Outcome, keyring: DemoFileKeyring) -> None:
        width = max((len(r.path) for r in outcome.requests), default=0)
        for request in outcome.requests:
            sent = "credentials sent" if request.had_credentials else "no credentials"
            self.say(
                f"   request    {request.method} {request.path:<{width}}  {request.status}  {sent}"
            )
        for warning in outcome.warnings:
            self.say(f"   warning    {warning}")
        for entry in outcome.stored:
            self.say(f"   stored     {entry['username']} under {entry['service']}")
        if not outcome.stored:
            held = ", ".join(f"{u}@{s}" for s, u in keyring.entries()) or "nothing"
            self.say(f"   stored     nothing (keyring holds: {held})")
        if outcome.error:
            expected = "" if step.expect_success else ", as expected"
            self.say(f"   result     refused{expected}: {outcome.error}")
        else:
            self.say("   result     success")

    @staticmethod
    def _as_expected(step: Step, outcome: Outcome) -> bool:
        unauthorized = any(r.status == 401 for r in outcome.requests)
        return (
            bool(outcome.stored) == step.expect_stored
            and unauthorized == step.expect_unauthorized
            and (outcome.error is None) == step.expect_success
        )


def run_demo(out: TextIO, *, as_json: bool = False) -> int:
    """Run the demo, narrating to `out` (or one JSON object); 0 when every step behaved."""
    if not as_json:
        return Demo(out).run()
    demo = Demo(io.StringIO())
    status = demo.run()
    payload = {
        "ok": status == 0,
        "index": demo.index_url,
        "keyring": demo.keyring_note,
        "steps": demo.records,
    }
    out.write(json.dumps(payload, indent=2) + "\n")
    return status
