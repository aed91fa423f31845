"""Store and send only what the user gave: one example per way it used to go wrong, against
the real pypiserver (behind a small front server for redirects and a second index on the
same host and port).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from policy.credentials.backends import SubprocessKeyring
from policy.credentials.backends.memory import MemoryKeyring
from policy.credentials.lookup import CredentialSources
from policy.decision import decide
from policy.fetch.auth import PolicyAuth
from policy.fetch.flow import GIVEN_BY
from policy.settings.models import (
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)
from tests.support import fake_keyring, services
from tests.support.front_server import FrontServer, front_server
from tests.support.services import PASSWORD, USER

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
MALLORY, EVIL = "mallory", "evil-Pa55-w0rd"
NATIVE_AUTH = Preview(features=frozenset({"native-auth"}))


@dataclass
class World:
    root: Path
    front: FrontServer
    env: dict[str, str]

    def url(self, path: str, userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"http://{at}127.0.0.1:{self.front.port}{path}"

    def index(self, name: str, path: str, userinfo: str = "") -> IndexSettings:
        return IndexSettings(name=name, url=self.url(path, userinfo))

    def netrc(self, user: str, password: str) -> None:
        netrc = self.root / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login {user} password {password}\n")
        self.env["NETRC"] = str(netrc)

    def sent(self, path_start: str) -> list[tuple[str | None, str | None, int]]:
        return [
            (s.user, s.password, s.status) for s in self.front.seen if s.path.startswith(path_start)
        ]


@pytest.fixture(scope="module")
def pypi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.IndexServer]:
    root = tmp_path_factory.mktemp("trust-pypi")
    with services.index_server(root, users={USER: PASSWORD, MALLORY: EVIL}) as server:
        yield server


@pytest.fixture
def world(pypi: services.IndexServer, tmp_path: Path) -> Iterator[World]:
    with front_server(pypi.base) as front:
        yield World(tmp_path, front, services.isolated_home(tmp_path))


def native_auth(world: World, keyring: MemoryKeyring, *indexes: IndexSettings) -> PolicyAuth:
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE, preview=NATIVE_AUTH, indexes=indexes
    )
    sources = CredentialSources(env=world.env, native=keyring, timeout=10)
    return PolicyAuth(settings, env=world.env, sources=sources)


def stores(keyring: MemoryKeyring) -> list[tuple[str, str | None]]:
    return [(service, user) for verb, service, user in keyring.calls if verb == "set"]


def test_a_same_origin_redirect_stores_nothing_from_netrc(world: World) -> None:
    """netrc's credentials, carried by a same-origin redirect, are still netrc's: not stored."""
    world.netrc(USER, PASSWORD)
    keyring = MemoryKeyring()
    a = world.index("a", "/a/simple/")
    auth = native_auth(world, keyring, a)
    with httpx.Client(auth=auth) as client:
        assert client.get(world.url("/a/simple/peerpkg/")).status_code == 200
        moved = world.url("/to?url=" + quote(world.url("/a/simple/peerpkg/"), safe=""))
        assert client.get(moved).status_code == 200
    assert (USER, PASSWORD, 200) in world.sent("/a/simple/")
    assert stores(keyring) == []


def test_one_index_credentials_are_never_stored_under_another(world: World) -> None:
    """A's credentials may reach B on the same host (as uv), but land only under A."""
    keyring = MemoryKeyring()
    a = world.index("a", "/a/simple/", f"{USER}:{PASSWORD}")
    b = world.index("b", "/b/simple/")
    auth = native_auth(world, keyring, a, b)
    with httpx.Client(auth=auth) as client:
        assert client.get(a.url + "peerpkg/").status_code == 200
        assert client.get(b.url + "peerpkg/").status_code == 200
        via = world.url("/to?url=" + quote(b.url + "other/", safe=""))
        assert client.get(via).status_code == 200
    assert (USER, PASSWORD, 200) in world.sent("/b/simple/")  # sent, as uv sends it
    assert stores(keyring) == [(f"uv-credentials:{world.url('/a/simple/')}", USER)]


def test_userinfo_the_network_chose_is_never_stored(world: World) -> None:
    """mallory's credentials from a Location or a page link work, and are still not stored."""
    keyring = MemoryKeyring()
    a = world.index("a", "/a/simple/")
    auth = native_auth(world, keyring, a)
    mallory = world.url("/a/simple/peerpkg/", f"{MALLORY}:{EVIL}")
    with httpx.Client(auth=auth) as client:
        moved = world.url("/to?url=" + quote(mallory, safe=""))
        assert client.get(moved).status_code == 200
        link = httpx.Request("GET", mallory, extensions={GIVEN_BY: "link"})
        assert client.send(link).status_code == 200
    assert (MALLORY, EVIL, 200) in world.sent("/a/simple/")
    assert stores(keyring) == []
    # A later run reads the keyring and fetches as nobody but the user.
    world.front.seen.clear()
    later = native_auth(world, keyring, a)
    with httpx.Client(auth=later) as client:
        assert client.get(a.url + "peerpkg/").status_code in (401, 403)
    assert all(user != MALLORY for user, _, _ in world.sent("/a/simple/"))


@pytest.mark.parametrize("given", ["url", "env"])
def test_a_wrong_password_the_user_gave_fails_loudly(world: World, given: str) -> None:
    """`alice:WRONG@` or `UV_INDEX_A_PASSWORD=WRONG`: 401, not the keyring's or netrc's."""
    world.netrc(USER, PASSWORD)
    keyring = MemoryKeyring()
    a = world.index("a", "/a/simple/", f"{USER}:WRONG" if given == "url" else "")
    if given == "env":
        world.env.update({"UV_INDEX_A_USERNAME": USER, "UV_INDEX_A_PASSWORD": "WRONG"})
    service = f"uv-credentials:{world.url('/a/simple/')}"
    keyring.set(service, USER, PASSWORD)
    auth = native_auth(world, keyring, a)
    with httpx.Client(auth=auth) as client:
        assert client.get(a.url + "peerpkg/").status_code == 403  # pypiserver's answer
    assert world.sent("/a/simple/") == [(USER, "WRONG", 403)]
    assert stores(keyring) == [(service, USER)]  # only the test's own entry


def test_a_username_stays_with_its_index(world: World) -> None:
    """Index `a` names alice; a request to `c` on the same host neither asks nor sends as
    alice, and `explain` for `c` agrees with the fetch: no keyring call."""
    bin_dir = world.root / "bin"
    fake_keyring.install(bin_dir)
    log = world.root / "calls.jsonl"
    world.env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.defpath}",
            "FAKE_KEYRING_LOG": str(log),
            "FAKE_KEYRING_ANSWERS": json.dumps({}),
        }
    )
    a = world.index("a", "/a/simple/", USER)
    c = world.index("c", "/c/simple/")
    settings = Settings(keyring_provider=KeyringProvider.SUBPROCESS, indexes=(a, c))
    backend = SubprocessKeyring(env=world.env, timeout=20)
    sources = CredentialSources(env=world.env, subprocess=backend, timeout=20)
    with httpx.Client(auth=PolicyAuth(settings, env=world.env, sources=sources)) as client:
        assert client.get(c.url + "peerpkg/").status_code == 401
    assert fake_keyring.calls(log) == []
    assert decide(settings, c.url + "peerpkg/").keyring_services == ()
    assert all(user is None for user, _, _ in world.sent("/c/simple/"))


def test_a_dashed_username_never_reaches_the_keyring_command(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """A link to `http://--disable@host/...` runs no `keyring` command at all."""
    bin_dir = world.root / "bin"
    fake_keyring.install(bin_dir)
    log = world.root / "calls.jsonl"
    world.env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.defpath}",
            "FAKE_KEYRING_LOG": str(log),
            "FAKE_KEYRING_ANSWERS": json.dumps({}),
        }
    )
    a = world.index("a", "/a/simple/")
    settings = Settings(keyring_provider=KeyringProvider.SUBPROCESS, indexes=(a,))
    backend = SubprocessKeyring(env=world.env, timeout=20)
    sources = CredentialSources(env=world.env, subprocess=backend, timeout=20)
    link = httpx.Request(
        "GET", world.url("/a/simple/peerpkg/", "--disable"), extensions={GIVEN_BY: "link"}
    )
    with (
        caplog.at_level(logging.WARNING, logger="policy"),
        httpx.Client(auth=PolicyAuth(settings, env=world.env, sources=sources)) as client,
    ):
        assert client.send(link).status_code in (401, 403)
    assert fake_keyring.calls(log) == []
    assert any("begins with `-`" in r.getMessage() for r in caplog.records)


def test_invalid_utf8_in_url_credentials_is_uvs_error(world: World) -> None:
    """`%FF` in the password: uv's message, exit 1, nothing sent, no traceback."""
    url = world.url("/a/simple/", "alice:%FF")
    done = subprocess.run(
        [sys.executable, "-m", "policy", "fetch", "peerpkg", "--index-url", url],
        env={**world.env, "PYTHONPATH": str(REPO), "UV_NO_SYSTEM_CONFIG": "1"},
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "URL password contains invalid UTF-8" in done.stderr
    assert "Traceback" not in done.stderr
    assert world.front.seen == []
