"""Provenance-exact credentials, as a property: random configurations, responses and redirects.

A Hypothesis state machine builds one configuration (1-3 indexes on 1-2 hosts; credentials in
index URLs, `UV_INDEX_<NAME>_*`, netrc, the credentials file and both keyrings), then sends
random requests (index pages with the configured userinfo, files outside every index, the
caller's own userinfo, page links and redirects whose userinfo the network chose) through
the sync and the async httpx drivers of one `PolicyAuth`, against a MockTransport that
answers from a random script (2xx, 401, 403, 404, same- and cross-origin redirects with and
without userinfo). After every step it checks:

- nothing is stored but an index's own configured credentials, after a 2xx that a request
  inside that index carried them to directly;
- no credentials go to a realm they were not given for;
- every keyring call is one `decide()` lists for that URL and username, and a username goes
  only to lookups for the index it was given or found for;
- credentials the user gave in full are never replaced by another source's.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from policy.credentials.backends.base import Password, reveal
from policy.credentials.backends.memory import MemoryKeyring
from policy.credentials.lookup import CredentialSources
from policy.decision import KeyringKind, decide
from policy.fetch.auth import PolicyAuth
from policy.fetch.flow import GIVEN_BY
from policy.index import match_index
from policy.provenance import CredentialSource
from policy.realm import normalize_url, realm_key
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)

HOSTS = ("http://localhost", "http://127.0.0.1:8080")
NAMES = ("a", "b", "c")
NETWORK_USERINFO = ("mallory:evil-pw", "--disable", "mallory")
GIVEN_IN_URLS = {"mallory", "--disable", "caller"}
"""Usernames the exchanges' own URLs give (a caller's userinfo, a link's, a Location's)."""


class RecordingKeyring(MemoryKeyring):
    """A MemoryKeyring that also records what was stored, password included (tests only)."""

    def __init__(self, entries: dict[tuple[str, str], str], source: CredentialSource) -> None:
        super().__init__(entries, source=source)
        self.sets: list[tuple[str, str, str]] = []

    def set(self, service: str, username: str, password: Password) -> None:
        self.sets.append((service, username, reveal(password)))
        super().set(service, username, password)


@dataclass
class IndexPlan:
    name: str
    host: str
    url_user: str | None
    url_password: str | None
    env_user: str | None
    env_password: str | None
    keyring: IndexKeyring
    authenticate: AuthPolicy

    @property
    def bare_url(self) -> str:
        return f"{self.host}/{self.name}/simple/"

    @property
    def url(self) -> str:
        if self.url_user is None and self.url_password is None:
            return self.bare_url
        scheme, rest = self.bare_url.split("://", 1)
        info = self.url_user or ""
        if self.url_password is not None:
            info += ":" + self.url_password
        return f"{scheme}://{info}@{rest}"

    def configured(self) -> tuple[str | None, str | None] | None:
        """What the configuration gives the index: env beats the URL, as the seed does."""
        if self.env_user is not None or self.env_password is not None:
            return (self.env_user or None, self.env_password)
        if self.url_user is not None or self.url_password is not None:
            return (self.url_user or None, self.url_password)
        return None


def index_plans(draw: st.DrawFn) -> list[IndexPlan]:
    count = draw(st.integers(1, 3))
    plans = []
    for name in NAMES[:count]:
        url_kind = draw(st.sampled_from(["none", "user", "full", "full"]))
        env_kind = draw(st.sampled_from(["none", "none", "full", "user", "password"]))
        plans.append(
            IndexPlan(
                name=name,
                host=draw(st.sampled_from(HOSTS)),
                url_user=None if url_kind == "none" else f"url-{name}",
                url_password=f"pw-url-{name}" if url_kind == "full" else None,
                env_user=f"env-{name}" if env_kind in ("full", "user") else None,
                env_password=f"pw-env-{name}" if env_kind in ("full", "password") else None,
                keyring=draw(st.sampled_from(list(IndexKeyring))),
                authenticate=draw(
                    st.sampled_from([AuthPolicy.AUTO] * 4 + [AuthPolicy.ALWAYS, AuthPolicy.NEVER])
                ),
            )
        )
    return plans


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "indexes": index_plans(draw),
        "provider": draw(st.sampled_from([KeyringProvider.NATIVE] * 3 + list(KeyringProvider))),
        "native_auth": draw(st.sampled_from([True, True, False])),
        "netrc": draw(st.sets(st.sampled_from(range(len(HOSTS))))),
        "credentials_file": draw(st.sets(st.sampled_from(range(len(HOSTS))))),
        "native_entries": draw(st.booleans()),
        "subprocess_entries": draw(st.booleans()),
    }


RESPONSES = st.sampled_from(
    ["200", "401", "403", "404", "auth", "auth", "same", "same-index", "cross", "userinfo"]
)


@st.composite
def requests(draw: st.DrawFn, plans: list[IndexPlan]) -> dict[str, Any]:
    plan = draw(st.sampled_from(plans))
    kind = draw(st.sampled_from(["page", "page", "file", "caller", "link", "root"]))
    return {
        "plan": plan,
        "kind": kind,
        "script": draw(st.lists(RESPONSES, max_size=4)),
        "async": draw(st.booleans()),
    }


@dataclass
class Sent:
    hop: int
    url: str
    realm: str
    authorization: tuple[str, str] | None
    status: int
    userinfo: tuple[str, str | None] | None = None


@dataclass
class Step:
    script: list[str]
    plans: list[IndexPlan]
    sent: list[Sent] = field(default_factory=list)
    hop: int = 0
    first_url: str = ""
    locations: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        header = request.headers.get("Authorization")
        authorization = None
        if header is not None:
            user, _, password = base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")
            authorization = (user, password)
        action = self.script.pop(0) if self.script else "auth"
        other = HOSTS[1] if url.startswith(HOSTS[0]) else HOSTS[0]
        here = realm_key(url)
        location: str | None = None
        if action == "same":
            location = f"{here}/files/moved.whl"
        elif action == "same-index":
            targets = [p.bare_url for p in self.plans if realm_key(p.bare_url) == here]
            targets = targets or [f"{here}/elsewhere/simple/"]
            location = targets[len(self.sent) % len(targets)] + "moved/"
        elif action == "cross":
            location = f"{other}/files/elsewhere.whl"
        elif action == "userinfo":
            info = NETWORK_USERINFO[len(self.sent) % len(NETWORK_USERINFO)]
            scheme, rest = here.split("://", 1)
            location = f"{scheme}://{info}@{rest}/{self.plans[0].name}/simple/x/"
        if location is not None:
            status = 302
        elif action == "auth":
            status = 200 if authorization is not None else 401
        else:
            status = int(action)
        self.sent.append(Sent(self.hop, url, here, authorization, status))
        headers = {"Location": location} if location else {}
        if location is not None:
            self.hop += 1
            self.locations.append(location)
        return httpx.Response(status, headers=headers, request=request)


class TrustMachine(RuleBasedStateMachine):
    """One PolicyAuth, one configuration, many random exchanges."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="trust-machine-"))
        self.given: dict[str, set[tuple[str | None, str | None]]] = {}

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ the world

    @initialize(world=worlds())
    def build(self, world: dict[str, Any]) -> None:
        self.plans: list[IndexPlan] = world["indexes"]
        env: dict[str, str] = {"HOME": str(self.root / "home")}
        for plan in self.plans:
            if plan.env_user is not None:
                env[f"UV_INDEX_{plan.name.upper()}_USERNAME"] = plan.env_user
            if plan.env_password is not None:
                env[f"UV_INDEX_{plan.name.upper()}_PASSWORD"] = plan.env_password
        # Every credential the world holds, by the realm it was given for.
        self.allowed: dict[str, set[tuple[str | None, str | None]]] = {
            realm_key(h): set() for h in HOSTS
        }
        for plan in self.plans:
            for pair in ((plan.url_user, plan.url_password), (plan.env_user, plan.env_password)):
                if pair != (None, None):
                    self.allowed[realm_key(plan.host)].add(pair)
        # The network's userinfo in a Location is given for the realm it names.
        for realm in self.allowed:
            for info in NETWORK_USERINFO:
                user, _, password = info.partition(":")
                self.allowed[realm].add((user, password or None))
        netrc = self.root / "netrc"
        lines = []
        for i in world["netrc"]:
            host = HOSTS[i].split("://", 1)[1].split(":")[0]
            lines.append(f"machine {host} login net-{i} password pw-net-{i}")
            self.allowed[realm_key(HOSTS[i])].add((f"net-{i}", f"pw-net-{i}"))
        netrc.write_text("\n".join(lines) + "\n")
        env["NETRC"] = str(netrc)
        store = self.root / "creds"
        store.mkdir()
        tables = []
        for i in world["credentials_file"]:
            tables.append(
                f'[[credential]]\nservice = "{HOSTS[i]}/"\nusername = "file-{i}"\n'
                f'password = "pw-file-{i}"\n'
            )
            self.allowed[realm_key(HOSTS[i])].add((f"file-{i}", f"pw-file-{i}"))
        (store / "credentials.toml").write_text("\n".join(tables))
        env["UV_CREDENTIALS_DIR"] = str(store)
        native: dict[tuple[str, str], str] = {}
        if world["native_entries"]:
            for plan in self.plans:
                service = f"uv-credentials:{plan.bare_url}"
                native[(service, f"kr-{plan.name}")] = f"pw-kr-{plan.name}"
                self.allowed[realm_key(plan.host)].add((f"kr-{plan.name}", f"pw-kr-{plan.name}"))
        subprocess_entries: dict[tuple[str, str], str] = {}
        if world["subprocess_entries"]:
            for plan in self.plans:
                for user in (plan.url_user, plan.env_user):
                    if user:
                        subprocess_entries[(plan.bare_url, user)] = f"pw-sub-{plan.name}"
                        self.allowed[realm_key(plan.host)].add((user, f"pw-sub-{plan.name}"))
        self.native = RecordingKeyring(native, CredentialSource.NATIVE_KEYRING)
        self.subprocess = RecordingKeyring(subprocess_entries, CredentialSource.SUBPROCESS_KEYRING)
        preview = Preview(features=frozenset({"native-auth"} if world["native_auth"] else ()))
        self.settings = Settings(
            keyring_provider=world["provider"],
            preview=preview,
            indexes=tuple(
                IndexSettings(
                    name=p.name, url=p.url, keyring=p.keyring, authenticate=p.authenticate
                )
                for p in self.plans
            ),
        )
        sources = CredentialSources(
            env=env, native=self.native, subprocess=self.subprocess, timeout=0
        )
        self.auth = PolicyAuth(self.settings, env=env, sources=sources)
        # Usernames each index (by scope) or realm may be looked up with.
        self.usernames: dict[str, set[str]] = {}
        for plan in self.plans:
            names = {u for u in (plan.url_user, plan.env_user) if u}
            names |= {u for (_, u) in native if u == f"kr-{plan.name}"}
            self.usernames[normalize_url(plan.bare_url)] = names
        for i in range(len(HOSTS)):
            for scope in [*self.usernames, realm_key(HOSTS[i])]:
                if realm_key(scope) == realm_key(HOSTS[i]):
                    extra = {f"net-{i}", f"file-{i}"}
                    self.usernames.setdefault(scope, set()).update(extra)

    # ------------------------------------------------------------------ one exchange

    @rule(data=st.data())
    def exchange(self, data: st.DataObject) -> None:
        drawn = data.draw(requests(self.plans))
        plan: IndexPlan = drawn["plan"]
        kind = drawn["kind"]
        extensions: dict[str, Any] = {}
        explicit: tuple[str, str] | None = None
        if kind == "page":
            url = plan.url + "pkg/"  # as the Simple API asks: the configured URL, userinfo kept
            if plan.url_user and plan.url_password is not None:
                explicit = (plan.url_user, plan.url_password)
        elif kind == "root":
            url = plan.bare_url + "pkg/"
        elif kind == "file":
            url = f"{plan.host}/files/pkg-1.0.whl"
        elif kind == "caller":
            scheme, rest = plan.bare_url.split("://", 1)
            url = f"{scheme}://caller:pw-caller@{rest}pkg/"
            explicit = ("caller", "pw-caller")
            self.allowed[realm_key(plan.host)].add(("caller", "pw-caller"))
        else:
            scheme, rest = plan.host.split("://", 1)
            info = data.draw(st.sampled_from(NETWORK_USERINFO))
            url = f"{scheme}://{info}@{rest}/files/linked.whl"
            extensions[GIVEN_BY] = "link"
            user, _, password = info.partition(":")
            self.allowed[realm_key(plan.host)].add((user, password or None))
            if password:
                explicit = (user, password)
        step = Step(list(drawn["script"]), self.plans, first_url=url)
        native_before = len(self.native.calls)
        subprocess_before = len(self.subprocess.calls)
        sets_before = len(self.native.sets)
        request = httpx.Request("GET", url, extensions=extensions)
        try:
            if drawn["async"]:
                asyncio.run(self._send_async(request, step))
            else:
                with httpx.Client(
                    transport=httpx.MockTransport(step), auth=self.auth, follow_redirects=False
                ) as client:
                    client.send(request)
        except Exception as error:  # only the policy's own refusals may end an exchange
            assert type(error).__name__ in {"MissingCredentials", "IncompleteCredentials"}, error
        self._check_sent(step)
        self._check_explicit(step, explicit)
        self._check_keyring_calls(step, KeyringKind.NATIVE, self.native.calls[native_before:])
        self._check_keyring_calls(
            step, KeyringKind.SUBPROCESS, self.subprocess.calls[subprocess_before:]
        )
        self._check_stores(step, self.native.sets[sets_before:])
        assert self.subprocess.sets == []

    async def _send_async(self, request: httpx.Request, step: Step) -> None:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(step), auth=self.auth, follow_redirects=False
        ) as client:
            await client.send(request)

    # ------------------------------------------------------------------ the checks

    def _scope(self, url: str) -> str:
        index = match_index(self.settings, url)
        return normalize_url(index.url) if index is not None else realm_key(url)

    def _check_sent(self, step: Step) -> None:
        """No credentials go to a realm they were not given for; a bare username (it may be a
        token) not even to another index of the realm."""
        for sent in step.sent:
            if sent.authorization is None:
                continue
            user, password = sent.authorization
            if password == "" and user:
                known = self.usernames.get(self._scope(sent.url), set()) | GIVEN_IN_URLS
                assert user in known, f"username {user} sent to another index"
            allowed = self.allowed[sent.realm]
            pairs = {(u or "", p or "") for u, p in allowed}
            names = {u for u, _ in allowed if u}
            ok = (user, password) in pairs or (password == "" and user in names)
            assert ok, f"{sent.authorization[0]} sent to {sent.realm}"

    def _check_explicit(self, step: Step, explicit: tuple[str, str] | None) -> None:
        """What the user gave in full is what every request of the first hop carries."""
        first = [s for s in step.sent if s.hop == 0]
        if explicit is not None:
            for sent in first:
                if sent.authorization is not None:
                    assert sent.authorization == explicit
            return
        # An index's configured pair, once sent, is never swapped for another source's.
        given = [s.authorization for s in first]
        for plan in self.plans:
            configured = plan.configured()
            if configured is None or configured[0] is None or configured[1] is None:
                continue
            if configured in given:
                after = given[given.index(configured) :]
                assert all(a == configured for a in after if a is not None)

    def _check_keyring_calls(
        self, step: Step, kind: KeyringKind, calls: list[tuple[str, str, str | None]]
    ) -> None:
        asked = [step.first_url, *step.locations, *(s.url for s in step.sent)]
        urls = {normalize_url(url) for url in asked}
        for verb, service, username in calls:
            if verb != "get":
                continue
            listed = False
            for url in urls:
                for user in {username, None}:
                    lookups = decide(self.settings, url, user).keyring_lookups
                    listed = listed or any(
                        lookup.kind is kind
                        and lookup.service == service
                        and lookup.username in (username, None)
                        for lookup in lookups
                    )
            assert listed, f"{kind} lookup {service} {username} is listed for none of {urls}"
            if username is None:
                continue
            scopes = {self._scope(url) for url in urls}
            known = set().union(*(self.usernames.get(scope, set()) for scope in scopes))
            known |= GIVEN_IN_URLS
            assert username in known, f"username {username} looked up outside its index"

    def _check_stores(self, step: Step, sets: list[tuple[str, str, str]]) -> None:
        """Only an index's own configured credentials, sent there directly, answered 2xx."""
        for service, username, password in sets:
            plan = next(p for p in self.plans if service == f"uv-credentials:{p.bare_url}")
            assert self.settings.keyring_provider is KeyringProvider.NATIVE
            assert self.settings.native_auth
            assert plan.keyring in (IndexKeyring.AUTO, IndexKeyring.STORE)
            assert plan.authenticate is not AuthPolicy.NEVER
            assert (username, password) == plan.configured()
            assert any(
                s.hop == 0
                and 200 <= s.status < 300
                and s.authorization == (username, password)
                and normalize_url(s.url).startswith(plan.bare_url)
                for s in step.sent
            ), "stored without a direct 2xx inside the index"


TrustMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_trust_machine = TrustMachine.TestCase
