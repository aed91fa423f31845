"""The opt-in keyring plugin in-process: keyring's own backend suite, the negative cache, the
per-index policy, the deadline, single flight, and what its module imports."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError
from keyring.testing.backend import BackendBasicTests
from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

from policy.keyring_backend.backend import PolicyKeyring
from policy.keyring_backend.index_policy import IndexPolicy, rule_for
from policy.keyring_backend.misses import MAX_BYTES, MissCache, cache_dir, miss_key, miss_ttl
from policy.settings.models import IndexKeyring, IndexSettings, Settings
from tests.support import keyring_rings, services

SECRET = services.PASSWORD
REPO = Path(__file__).resolve().parent.parent
PRIVATE = "http://127.0.0.1:8080/simple/"
READ_ONLY = "http://127.0.0.1:9090/simple/"
OPEN = "http://127.0.0.1:7070/simple/"


def _settings(*indexes: tuple[str, IndexKeyring]) -> Settings:
    return Settings(
        indexes=tuple(
            IndexSettings(name=f"i{n}", url=url, keyring=mode)
            for n, (url, mode) in enumerate(indexes)
        )
    )


SETTINGS = _settings(
    (PRIVATE, IndexKeyring.SKIP), (READ_ONLY, IndexKeyring.READ), (OPEN, IndexKeyring.AUTO)
)


def _plugin(ring: Any, env: dict[str, str], settings_: Settings = SETTINGS) -> PolicyKeyring:
    return PolicyKeyring(ring, env=env, policy=IndexPolicy(settings_))


class TestAroundMemory(BackendBasicTests):
    """keyring's own backend suite, the plugin wrapped around a memory backend."""

    @pytest.fixture(autouse=True)
    def _init_properties(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.env = services.isolated_home(tmp_path)
        self.keyring = self.init_keyring()
        self.credentials_created: set[tuple[str, str]] = set()
        request.addfinalizer(self.cleanup)

    def init_keyring(self) -> PolicyKeyring:
        return _plugin(keyring_rings.MemoryRing(), self.env)


# -- the negative cache ------------------------------------------------------------------------


def test_a_miss_is_remembered_across_instances(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.MemoryRing()
    for _ in range(3):  # three "processes", one cache directory
        assert _plugin(ring, isolated_env).get_password("svc", "alice") is None
    assert ring.calls == [("get", "svc", "alice")]
    assert _plugin(ring, isolated_env).get_password("svc", "bob") is None
    assert _plugin(ring, isolated_env).get_credential("svc", None) is None
    assert len(ring.calls) == 3  # another username, and no username, are other questions


def test_storing_clears_the_miss(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.MemoryRing()
    first = _plugin(ring, isolated_env)
    assert first.get_password("svc", "alice") is None
    assert first.get_credential("svc", None) is None
    _plugin(ring, isolated_env).set_password("svc", "alice", SECRET)
    assert first.get_password("svc", "alice") == SECRET
    credential = first.get_credential("svc", None)
    assert credential is not None
    assert credential.password == SECRET


def test_hits_are_not_remembered(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.MemoryRing()
    ring.entries[("svc", "alice")] = SECRET
    plugin = _plugin(ring, isolated_env)
    assert plugin.get_password("svc", "alice") == SECRET
    del ring.entries[("svc", "alice")]
    assert plugin.get_password("svc", "alice") is None


_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(service=_TEXT, username=_TEXT, password=_TEXT.filter(lambda p: len(p) >= 4))
def test_the_cache_file_never_holds_a_password(
    tmp_path_factory: pytest.TempPathFactory, service: str, username: str, password: str
) -> None:
    env = services.isolated_home(tmp_path_factory.mktemp("home"))
    ring = keyring_rings.MemoryRing()
    plugin = _plugin(ring, env)
    assert plugin.get_password(service, username) is None
    plugin.set_password(service, username, password)
    assert plugin.get_password(service, username) == password
    assert plugin.get_password(service, username + "x") is None
    path = Path(env["XDG_CACHE_HOME"], "keyring-policy", "keyring-misses.json")
    raw = path.read_bytes()
    derived = [
        password,
        json.dumps(password),
        hashlib.sha256(password.encode()).hexdigest(),
        miss_key(service, password),
        miss_key(password, username),
    ]
    # The file is exactly one document: a hash of the other question and an expiry time.
    document = json.loads(raw)
    [expiry] = document["misses"].values()
    assert isinstance(expiry, float)
    assert document == {"version": 1, "misses": {miss_key(service, username + "x"): expiry}}
    assert raw == json.dumps(document, separators=(",", ":")).encode()
    for text in derived:
        # A password of hex digits and dots may occur inside the hash or the expiry by chance,
        # and one like `miss` in the keys; the exact document above shows nothing else is there.
        if not set(text) <= set("0123456789abcdef.") and text not in '{"version":1,"misses":':
            assert text.encode() not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_cache_expires_and_distrusts_a_clock_that_went_back(tmp_path: Path) -> None:
    now = [1000.0]
    cache = MissCache(tmp_path, 30, clock=lambda: now[0])
    cache.remember("svc", "alice")
    now[0] = 1029.0
    assert cache.holds("svc", "alice")
    now[0] = 1031.0
    assert not cache.holds("svc", "alice")
    now[0] = 1000.0
    cache.remember("svc", "alice")
    now[0] = 900.0  # the expiry is now 130 s away, more than one TTL: not trusted
    assert not cache.holds("svc", "alice")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'{"misses": []}', b"\xff\xfe", b""],
)
def test_a_broken_cache_file_is_an_empty_cache(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "keyring-misses.json").write_bytes(content)
    cache = MissCache(tmp_path, 30)
    assert not cache.holds("svc", "alice")
    cache.remember("svc", "alice")  # and the next write replaces it
    assert cache.holds("svc", "alice")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_a_fifo_at_the_cache_path_is_an_empty_cache(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "keyring-misses.json")
    cache = MissCache(tmp_path, 30)
    assert not cache.holds("svc", "alice")  # returns: no writer needed
    cache.remember("svc", "alice")  # the rename replaces the FIFO with a file
    assert cache.holds("svc", "alice")


def test_a_bad_timeout_warns_once_and_uses_the_default(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    ring = keyring_rings.MemoryRing()
    ring.entries[("svc", "alice")] = SECRET
    plugin = _plugin(ring, {**isolated_env, "KEYRING_POLICY_TIMEOUT": "soon"})
    with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
        assert plugin.get_password("svc", "alice") == SECRET
        assert plugin.get_password("svc", "alice") == SECRET
    [record] = caplog.records
    assert record.getMessage() == (
        "Failed to parse environment variable `KEYRING_POLICY_TIMEOUT` with invalid value "
        "`soon`: expected a number of seconds (0 for no deadline); using the default"
    )


def test_a_cache_file_over_the_size_cap_is_ignored(tmp_path: Path) -> None:
    entry = {miss_key("svc", "alice"): time.time() + 20}
    padding = {f"{n:064x}": 0 for n in range(MAX_BYTES // 70 + 10)}
    text = json.dumps({"version": 1, "misses": {**padding, **entry}})
    assert len(text) > MAX_BYTES
    (tmp_path / "keyring-misses.json").write_text(text)
    assert not MissCache(tmp_path, 30).holds("svc", "alice")


def test_the_cache_is_off_with_ttl_zero(isolated_env: dict[str, str]) -> None:
    env = {**isolated_env, "KEYRING_POLICY_MISS_TTL": "0"}
    ring = keyring_rings.MemoryRing()
    for _ in range(2):
        assert _plugin(ring, env).get_password("svc", "alice") is None
    assert len(ring.calls) == 2
    assert not Path(env["XDG_CACHE_HOME"], "keyring-policy").exists()


@pytest.mark.parametrize("raw", ["soon", "-1", "inf", "nan"])
def test_a_bad_ttl_warns_once_and_uses_the_default(
    isolated_env: dict[str, str], raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert miss_ttl({"KEYRING_POLICY_MISS_TTL": raw})[0] == 30
    plugin = _plugin(keyring_rings.MemoryRing(), {**isolated_env, "KEYRING_POLICY_MISS_TTL": raw})
    with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
        plugin.get_password("svc", "alice")
        plugin.get_password("svc", "bob")
    assert [r.getMessage() for r in caplog.records] == [
        f"ignoring `KEYRING_POLICY_MISS_TTL={raw}`: expected a number of seconds (0 turns the "
        "cache off); using 30"
    ]


def test_cache_dir_follows_xdg() -> None:
    assert cache_dir({"XDG_CACHE_HOME": "/c", "HOME": "/h"}) == Path("/c/keyring-policy")
    assert cache_dir({"XDG_CACHE_HOME": "relative", "HOME": "/h"}) == Path(
        "/h/.cache/keyring-policy"
    )
    assert cache_dir({}) is None


# -- the per-index policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "lookup", "store"),
    [
        (PRIVATE, False, False),
        (PRIVATE + "peerpkg/", False, False),
        ("uv-credentials:" + PRIVATE, False, False),
        ("127.0.0.1:8080", False, False),
        (READ_ONLY, True, False),
        ("127.0.0.1:9090", True, False),
        ("uv:127.0.0.1:9090", True, False),
        (OPEN, True, True),
        ("127.0.0.1:7070", True, True),
        ("http://127.0.0.1:8080/packages/peerpkg.whl", False, False),  # the index's root
        ("http://127.0.0.1:8081/simple/", True, True),
        ("example.org", True, True),
        ("", True, True),
    ],
)
def test_rule_for_a_service(service: str, lookup: bool, store: bool) -> None:
    rule = rule_for(SETTINGS, service)
    assert (rule.lookup, rule.store) == (lookup, store)


def test_a_host_shared_by_indexes_takes_the_weaker_rule() -> None:
    shared = _settings(
        ("http://127.0.0.1:8080/a/", IndexKeyring.SKIP),
        ("http://127.0.0.1:8080/b/", IndexKeyring.READ),
        ("http://127.0.0.1:8080/c/", IndexKeyring.STORE),
    )
    rule = rule_for(shared, "127.0.0.1:8080")
    assert (rule.lookup, rule.store) == (True, True)
    two = _settings(
        ("http://127.0.0.1:8080/a/", IndexKeyring.SKIP),
        ("http://127.0.0.1:8080/b/", IndexKeyring.READ),
    )
    assert (rule_for(two, "127.0.0.1:8080").lookup, rule_for(two, "127.0.0.1:8080").store) == (
        True,
        False,
    )


def test_skip_never_touches_the_wrapped_backend(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.MemoryRing()
    ring.entries[(PRIVATE, "alice")] = SECRET
    plugin = _plugin(ring, isolated_env)
    assert plugin.get_password(PRIVATE, "alice") is None
    assert plugin.get_credential("127.0.0.1:8080", None) is None
    with pytest.raises(PasswordSetError, match='index `i0` has `keyring = "skip"`'):
        plugin.set_password(PRIVATE, "alice", SECRET)
    assert ring.calls == []


def test_read_refuses_to_store(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.MemoryRing()
    plugin = _plugin(ring, isolated_env)
    with pytest.raises(PasswordSetError) as refused:
        plugin.set_password(READ_ONLY, "alice", SECRET)
    assert str(refused.value) == (
        "keyring-policy refuses to store credentials for 'http://127.0.0.1:9090/simple/': "
        'index `i1` has `keyring = "read"`'
    )
    assert SECRET not in str(refused.value)
    assert ring.calls == []
    ring.entries[(READ_ONLY, "alice")] = SECRET
    assert plugin.get_password(READ_ONLY, "alice") == SECRET


def test_settings_come_from_the_working_directory(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    (tmp_path / "uv.toml").write_text(
        f'[[index]]\nname = "private"\nurl = "{PRIVATE}"\nkeyring = "skip"\n'
    )
    ring = keyring_rings.MemoryRing()
    plugin = PolicyKeyring(ring, env=isolated_env, cwd=tmp_path)
    assert plugin.get_password(PRIVATE, "alice") is None
    assert plugin.get_password(OPEN, "alice") is None
    assert ring.calls == [("get", OPEN, "alice")]


def test_unreadable_settings_warn_once_and_leave_the_policy_out(
    tmp_path: Path, isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    url = PRIVATE.replace("http://", f"http://alice:{SECRET}@")
    (tmp_path / "uv.toml").write_text(f'[[index]]\nurl = "{url}"\nkeyring = "sometimes"\n')
    ring = keyring_rings.MemoryRing()
    ring.entries[(PRIVATE, "alice")] = SECRET
    plugin = PolicyKeyring(ring, env=isolated_env, cwd=tmp_path)
    with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
        assert plugin.get_password(PRIVATE, "alice") == SECRET
        assert plugin.get_password(PRIVATE, "alice") == SECRET
    [record] = caplog.records
    assert record.getMessage().startswith("keyring-policy ignores the per-index keyring settings:")
    assert "uv.toml" in record.getMessage()
    assert SECRET not in caplog.text


# -- failures: deadline, locked, exceptions, itself --------------------------------------------


def test_a_hanging_backend_is_a_miss_within_the_deadline(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    ring = keyring_rings.BlockingRing()
    plugin = _plugin(ring, {**isolated_env, "KEYRING_POLICY_TIMEOUT": "0.2"})
    try:
        with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
            assert plugin.get_password("svc", "alice") is None
            assert not ring.release.is_set()  # returned while the backend was still hanging
            ring.entered.clear()
            assert plugin.get_password("other", "alice") is None
            assert plugin.get_credential("third", None) is None
        assert not ring.entered.is_set()  # a backend that hung is not asked again
        [record] = caplog.records
        assert record.getMessage() == (
            "keyring-policy (tests.support.keyring_rings.BlockingRing) did not answer within "
            "0.2 s (a locked collection waiting for an unlock prompt?); unlock it or raise "
            "`KEYRING_POLICY_TIMEOUT`"
        )
        with pytest.raises(PasswordSetError, match="did not answer"):
            plugin.set_password("svc", "alice", SECRET)
    finally:
        ring.release.set()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (KeyringLocked("Failed to unlock the collection!"), "the collection is locked"),
        (RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown"), "DBUS_SESSION_BUS_ADDRESS"),
        (RuntimeError("backend exploded"), "failed: RuntimeError: backend exploded"),
    ],
)
def test_a_failing_backend_is_a_miss_with_one_warning(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture, error: Exception, expected: str
) -> None:
    plugin = _plugin(keyring_rings.FailingRing(error), isolated_env)
    with caplog.at_level(logging.DEBUG, logger="policy.keyring_backend"):
        assert plugin.get_password("svc", "alice") is None
        assert plugin.get_password("svc2", "alice") is None
        with pytest.raises(PasswordSetError) as refused:
            plugin.set_password("svc", "alice", SECRET)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert expected in warnings[0].getMessage()
    assert "FailingRing" in warnings[0].getMessage()
    assert expected in str(refused.value)
    assert SECRET not in caplog.text
    assert SECRET not in str(refused.value)


def test_a_failing_store_never_shows_the_password(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    error = RuntimeError(f"cannot store {SECRET!r} for alice")
    plugin = _plugin(keyring_rings.FailingRing(error), isolated_env)
    with caplog.at_level(logging.DEBUG), pytest.raises(PasswordSetError) as refused:
        plugin.set_password("svc", "alice", SECRET)
    assert str(refused.value) == (
        "keyring-policy (tests.support.keyring_rings.FailingRing) failed: RuntimeError: "
        "cannot store '****' for alice"
    )
    assert SECRET not in caplog.text
    assert SECRET not in repr(refused.value)


def test_deleting_a_missing_password_is_keyrings_own_error(isolated_env: dict[str, str]) -> None:
    plugin = _plugin(keyring_rings.MemoryRing(), isolated_env)
    with pytest.raises(PasswordDeleteError, match="no such password"):
        plugin.delete_password("svc", "alice")


def test_it_refuses_to_wrap_itself(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    env = {**isolated_env, "KEYRING_POLICY_WRAPS": "policy.keyring_backend.backend.PolicyKeyring"}
    plugin = PolicyKeyring(env=env, policy=IndexPolicy(SETTINGS))
    with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
        assert plugin.get_password("svc", "alice") is None
    assert "refusing to wrap `policy.keyring_backend.backend.PolicyKeyring`" in caplog.text


def test_it_wraps_the_backend_it_is_told_to(isolated_env: dict[str, str]) -> None:
    env = {
        **isolated_env,
        "KEYRING_POLICY_WRAPS": "keyrings.alt.file.PlaintextKeyring",
    }
    plugin = PolicyKeyring(env=env, policy=IndexPolicy(SETTINGS))
    assert plugin.wrapped_name == "unresolved"
    assert plugin.get_password("svc", "alice") is None
    assert plugin.wrapped_name == "keyrings.alt.file.PlaintextKeyring"


# -- single flight -----------------------------------------------------------------------------


def _waiting(thread: threading.Thread) -> bool:
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name == "wait" and "threading" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_concurrent_lookups_share_one_call(isolated_env: dict[str, str]) -> None:
    ring = keyring_rings.BlockingRing()
    ring.entries[("svc", "alice")] = SECRET
    plugin = _plugin(ring, isolated_env)
    answers: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: answers.append(plugin.get_password("svc", "alice")))
        for _ in range(8)
    ]
    try:
        for thread in threads:
            thread.start()
        assert ring.entered.wait(10)
        for _ in range(1000):  # bounded: every thread parked on the call in flight
            if all(_waiting(thread) for thread in threads):
                break
            time.sleep(0.01)
    finally:
        ring.release.set()
        for thread in threads:
            thread.join(10)
    assert answers == [SECRET] * 8
    assert ring.calls == [("get", "svc", "alice")]


# -- cheap to load -----------------------------------------------------------------------------


def test_keyring_loads_the_plugin_without_the_settings(isolated_env: dict[str, str]) -> None:
    code = (
        "import sys, keyring\n"
        "ring = keyring.get_keyring()\n"
        "print(type(ring).__module__ + '.' + type(ring).__name__)\n"
        "print(sorted(m for m in ('policy.keyring_backend.backend', 'policy.settings',\n"
        "    'policy.keyring_backend.index_policy', 'pydantic', 'httpx') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**isolated_env, "PATH": os.defpath},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    chosen, loaded = done.stdout.splitlines()
    assert chosen != "policy.keyring_backend.backend.PolicyKeyring"  # opt-in only
    assert loaded == "['policy.keyring_backend.backend']"


_STUB_IMPORTS = """
import sys
import keyring.backend

# keyring would load the plugin itself (its entry point is installed): hide that one entry
# point, so that what keyring alone loads is measured first.
_entry_points = keyring.backend.metadata.entry_points
keyring.backend.metadata.entry_points = lambda **params: [
    ep for ep in _entry_points(**params) if not ep.value.startswith("policy.")
]
import keyring

keyring.get_keyring()
assert not any(name.startswith("policy") for name in sys.modules), "keyring loaded the plugin"
before = set(sys.modules)
from policy.keyring_backend.backend import PolicyKeyring

ring = PolicyKeyring()  # what keyring's detection does with every backend class
assert PolicyKeyring.viable and ring.priority < 0 and PolicyKeyring.name and str(ring)
print(sorted(set(sys.modules) - before))
"""


def test_the_entry_point_imports_nothing_keyring_has_not_loaded(
    isolated_env: dict[str, str],
) -> None:
    """The module keyring loads in every program: only itself and its two empty packages."""
    done = subprocess.run(
        [sys.executable, "-c", _STUB_IMPORTS],
        env={**isolated_env, "PATH": os.defpath},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == (
        "['policy', 'policy.keyring_backend', 'policy.keyring_backend.backend']"
    )


# -- the name a caller judges the backend by ---------------------------------------------------


def _poetry_would_store(backend: Any) -> bool:
    """Poetry's judgement of `keyring.get_keyring()`, from the backend's `name` alone: not
    keyring's `fail` or `null` (the first word) and not a plaintext file."""
    name: str = backend.name
    return name.split(" ")[0] not in ("fail", "null") and "plaintext" not in name.lower()


def test_the_name_shows_the_wrapped_backend(isolated_env: dict[str, str]) -> None:
    plaintext = _plugin(PlaintextKeyring(), isolated_env)
    assert plaintext.name == "file PlaintextKeyring via keyring-policy"
    assert not _poetry_would_store(plaintext)
    secure = _plugin(keyring_rings.MemoryRing(), isolated_env)
    assert secure.name == "keyring rings MemoryRing via keyring-policy"
    assert _poetry_would_store(secure)
    assert not _poetry_would_store(_plugin(fail.Keyring(), isolated_env))
    assert not _poetry_would_store(_plugin(null.Keyring(), isolated_env))
    assert PolicyKeyring.name == "backend PolicyKeyring"  # keyring's own, on the class


def test_an_unknown_wrapped_backend_leaves_the_name_as_keyrings(
    isolated_env: dict[str, str],
) -> None:
    env = {**isolated_env, "KEYRING_POLICY_WRAPS": "no.such.Backend"}
    assert PolicyKeyring(env=env).name == "backend PolicyKeyring"


def test_a_hanging_detection_bounds_the_name(
    isolated_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    slow = keyring_rings.SlowToLoadRing
    slow.reset()
    env = {
        **isolated_env,
        "KEYRING_POLICY_TIMEOUT": "0.2",
        "KEYRING_POLICY_WRAPS": "tests.support.keyring_rings.SlowToLoadRing",
    }
    plugin = PolicyKeyring(env=env, policy=IndexPolicy(SETTINGS))
    try:
        assert plugin.name == "backend PolicyKeyring"  # keyring's own: nothing is known
        assert not slow.release.is_set()  # answered while detection was still stuck
        assert plugin.wrapped_backend is None
        with caplog.at_level(logging.WARNING, logger="policy.keyring_backend"):
            assert plugin.get_password("svc", "alice") is None
        assert slow.started == 1  # detection that hung once is not waited for again
        assert "did not answer within 0.2 s" in caplog.text
    finally:
        slow.release.set()


# -- settings are loaded only where a file can hold a rule -------------------------------------


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ('keyring-provider = "subprocess"\n[[index]]\nurl = "http://x/simple/"\n', False),
        ('[[index]]\nurl = "http://x/simple/"\nkeyring = "skip"\n', True),
        ('index = [{ url = "http://x/simple/", keyring = "read" }]\n', True),
        ('[[index]]\n"keyring" = "skip"\n', True),
        ('[project]\ndependencies = ["keyring==25"]\n', True),  # wider than needed: fine
        ('[project]\ndependencies = ["keyring>=25"]\n', False),
    ],
)
def test_may_hold_rules(tmp_path: Path, text: str, holds: bool) -> None:
    from policy.keyring_backend.rules_hint import may_hold_rules

    project = tmp_path / "project" / "sub"
    project.mkdir(parents=True)
    (tmp_path / "project" / "uv.toml").write_text(text)
    assert may_hold_rules({}, project) is holds
    user = tmp_path / "config"
    (user / "uv").mkdir(parents=True)
    (user / "uv" / "uv.toml").write_text(text)
    assert may_hold_rules({"XDG_CONFIG_HOME": str(user)}, tmp_path) is holds


def test_no_rule_in_any_file_means_no_settings_load(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from policy.keyring_backend.backend import PolicyKeyring\n"
        "from tests.support.keyring_rings import MemoryRing\n"
        "import os\n"
        f"ring = PolicyKeyring(MemoryRing(), env=os.environ, cwd=Path({str(tmp_path)!r}))\n"
        "print(ring.get_password('http://127.0.0.1:8080/simple/', 'alice'))\n"
        "print('pydantic' in sys.modules, 'policy.settings' in sys.modules)\n"
    )

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={
                **isolated_env,
                "PATH": os.defpath,
                "PYTHONPATH": str(REPO),
                "KEYRING_POLICY_MISS_TTL": "0",
            },
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.splitlines()

    (tmp_path / "uv.toml").write_text(
        f'keyring-provider = "subprocess"\n[[index]]\nurl = "{PRIVATE}"\n'
    )
    assert run() == ["None", "False False"]
    (tmp_path / "uv.toml").write_text(f'[[index]]\nurl = "{PRIVATE}"\nkeyring = "skip"\n')
    assert run() == ["None", "True True"]


def test_where_a_password_goes_is_the_wrapped_backend(isolated_env: dict[str, str]) -> None:
    from policy.credentials.backends.safety import BackendSafety, classify

    label, safety = classify(_plugin(PlaintextKeyring(), isolated_env))
    assert safety is BackendSafety.PLAINTEXT
    assert label == (
        "policy.keyring_backend.backend.PolicyKeyring (keyrings.alt.file.PlaintextKeyring)"
    )
    assert classify(_plugin(keyring_rings.MemoryRing(), isolated_env))[1] is BackendSafety.SECURE
    env = {**isolated_env, "KEYRING_POLICY_WRAPS": "no.such.Backend"}
    assert PolicyKeyring(env=env).wrapped_backend is None
