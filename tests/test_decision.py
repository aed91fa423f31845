"""The policy (`policy.decision.decide`): one table of every rule that changes an outcome,
Hypothesis properties over random settings and URLs, and parity with uv's `keyring` calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from policy.credentials.values import Credentials
from policy.decision import PREVIEW_GATE_WARNING, Decision, KeyringKind, KeyringLookup, decide
from policy.provenance import CredentialSource
from policy.realm import Realm
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)
from tests.contract_examples import EXPLAIN_EXAMPLE

IDX = "https://pkgs.example.com/simple/"
URL = IDX + "foo/"
FILE = "https://pkgs.example.com/packages/foo-1.0-py3-none-any.whl"  # under the root URL
OUT = "https://files.example.com/foo-1.0.whl"  # in no index
BASE = ["url", "env", "cache", "netrc", "credentials-file"]

D, S, N = KeyringProvider.DISABLED, KeyringProvider.SUBPROCESS, KeyringProvider.NATIVE
AUTO, ALWAYS, NEVER = AuthPolicy.AUTO, AuthPolicy.ALWAYS, AuthPolicy.NEVER
K_AUTO, K_READ, K_STORE, K_SKIP = (
    IndexKeyring.AUTO,
    IndexKeyring.READ,
    IndexKeyring.STORE,
    IndexKeyring.SKIP,
)


def make_settings(
    provider: KeyringProvider = D,
    native_auth: bool = False,
    authenticate: AuthPolicy = AUTO,
    keyring: IndexKeyring = K_AUTO,
    url: str = IDX,
) -> Settings:
    preview = Preview(features=frozenset({"native-auth"} if native_auth else set()))
    index = IndexSettings(
        name="private", url=url, default=True, authenticate=authenticate, keyring=keyring
    )
    return Settings(keyring_provider=provider, preview=preview, indexes=(index,))


def lookups(decision: Decision) -> list[str]:
    """Lookups as `kind:service` with `@user` or ` (creds)` appended: short table cells."""
    shown = []
    for lookup in decision.keyring_lookups:
        cell = f"{lookup.kind.value[0]}:{lookup.service}"
        if lookup.creds_mode:
            cell += " (creds)"
        elif lookup.username:
            cell += f"@{lookup.username}"
        shown.append(cell)
    return shown


# The expected keyring lookups, for the https index above.
NATIVE = [f"n:uv-credentials:{IDX}", "n:uv:pkgs.example.com"]
NATIVE_ALICE = [f"{cell}@alice" for cell in NATIVE]
NATIVE_OUT = ["n:uv:files.example.com"]
UV_STORE_ALICE = ["n:uv:https://pkgs.example.com/@alice", "n:uv:pkgs.example.com@alice"]
UV_STORE_OUT = [f"n:uv:{OUT}@alice", "n:uv:files.example.com@alice"]
SUB_ALICE = [f"s:{IDX}@alice", "s:pkgs.example.com@alice"]
SUB_CREDS = [f"s:{IDX} (creds)", "s:pkgs.example.com (creds)"]
SUB_OUT = [f"s:{OUT}@alice", "s:files.example.com@alice"]


@dataclass(frozen=True)
class Row:
    """One combination and what it must decide."""

    provider: KeyringProvider
    native_auth: bool
    authenticate: AuthPolicy
    keyring: IndexKeyring
    matched: bool
    username: str | None
    lookups: list[str]
    store: bool
    reason: str  # a part of one reason sentence that names the deciding rule
    sources: list[str] | None = None  # None: BASE plus the keyring kinds of `lookups`


ROWS = {
    # --- disabled: no keyring, except uv's own native store under native-auth (with a user)
    "disabled": Row(D, False, AUTO, K_AUTO, True, None, [], False, '"disabled"'),
    "disabled-user": Row(D, False, AUTO, K_AUTO, True, "alice", [], False, '"disabled"'),
    "disabled-always": Row(D, False, ALWAYS, K_AUTO, True, None, [], False, '"disabled"'),
    "disabled-store-key": Row(D, False, AUTO, K_STORE, True, "alice", [], False, '"disabled"'),
    "disabled-na-user": Row(
        D,
        True,
        AUTO,
        K_AUTO,
        True,
        "alice",
        UV_STORE_ALICE,
        False,
        "uv's native store (`uv:` entries) is read",
    ),
    "disabled-na-nouser": Row(
        D, True, AUTO, K_AUTO, True, None, [], False, "not read without a username"
    ),
    "disabled-na-always-nouser": Row(
        D, True, ALWAYS, K_AUTO, True, None, [], False, "not read without a username"
    ),
    "disabled-na-out": Row(
        D, True, AUTO, K_AUTO, False, "alice", UV_STORE_OUT, False, "uv's native store"
    ),
    "disabled-na-skip": Row(D, True, AUTO, K_SKIP, True, "alice", [], False, '`keyring = "skip"`'),
    "disabled-na-never": Row(
        D, True, NEVER, K_AUTO, True, "alice", [], False, '`authenticate = "never"`', ["url"]
    ),
    # --- subprocess: uv's three forms, only with a username or under `always`
    "sub-user": Row(
        S,
        False,
        AUTO,
        K_AUTO,
        True,
        "alice",
        SUB_ALICE,
        False,
        'only `keyring-provider = "native"` stores',
    ),
    "sub-nouser": Row(S, False, AUTO, K_AUTO, True, None, [], False, "not run without a username"),
    "sub-always-nouser": Row(
        S, False, ALWAYS, K_AUTO, True, None, SUB_CREDS, False, "`--mode creds`"
    ),
    "sub-always-user": Row(
        S, False, ALWAYS, K_AUTO, True, "alice", SUB_ALICE, False, "only `keyring-provider"
    ),
    "sub-never": Row(
        S, False, NEVER, K_AUTO, True, "alice", [], False, '`authenticate = "never"`', ["url"]
    ),
    "sub-skip": Row(S, False, AUTO, K_SKIP, True, "alice", [], False, '`keyring = "skip"`'),
    "sub-always-skip": Row(S, False, ALWAYS, K_SKIP, True, None, [], False, '`keyring = "skip"`'),
    "sub-read-key": Row(
        S, False, AUTO, K_READ, True, "alice", SUB_ALICE, False, "only `keyring-provider"
    ),
    "sub-store-key": Row(
        S,
        True,
        AUTO,
        K_STORE,
        True,
        "alice",
        UV_STORE_ALICE + SUB_ALICE,
        False,
        "only `keyring-provider",
    ),
    "sub-out-user": Row(
        S, False, AUTO, K_AUTO, False, "alice", SUB_OUT, False, "asked for the URL itself"
    ),
    "sub-out-nouser": Row(
        S, False, AUTO, K_AUTO, False, None, [], False, "not run without a username"
    ),
    "sub-na-user": Row(
        S, True, AUTO, K_AUTO, True, "alice", UV_STORE_ALICE + SUB_ALICE, False, "uv's native store"
    ),
    "sub-na-always-nouser": Row(
        S, True, ALWAYS, K_AUTO, True, None, SUB_CREDS, False, "`--mode creds`"
    ),
    # --- native: reads with or without a username; stores only with native-auth (gate)
    "native-gate": Row(
        N,
        False,
        AUTO,
        K_AUTO,
        True,
        None,
        NATIVE,
        False,
        "preview feature `native-auth` is not enabled",
    ),
    "native-gate-user": Row(
        N, False, AUTO, K_AUTO, True, "alice", NATIVE_ALICE, False, "`native-auth` is not enabled"
    ),
    "native-gate-store-key": Row(
        N, False, AUTO, K_STORE, True, None, NATIVE, False, "`native-auth` is not enabled"
    ),
    "native-gate-always": Row(
        N, False, ALWAYS, K_AUTO, True, None, NATIVE, False, "`native-auth` is not enabled"
    ),
    "native-gate-out": Row(
        N, False, AUTO, K_AUTO, False, None, NATIVE_OUT, False, "`native-auth` is not enabled"
    ),
    "native-gate-skip": Row(N, False, AUTO, K_SKIP, True, None, [], False, '`keyring = "skip"`'),
    "native-gate-never": Row(
        N, False, NEVER, K_STORE, True, None, [], False, '`authenticate = "never"`', ["url"]
    ),
    "native-store": Row(
        N, True, AUTO, K_AUTO, True, None, NATIVE, True, "credentials that work are stored"
    ),
    "native-store-user": Row(
        N, True, AUTO, K_AUTO, True, "alice", NATIVE_ALICE, True, "are stored"
    ),
    "native-store-key": Row(
        N, True, AUTO, K_STORE, True, None, NATIVE, True, '`keyring = "store"`'
    ),
    "native-store-always": Row(N, True, ALWAYS, K_AUTO, True, None, NATIVE, True, "are stored"),
    "native-read-key": Row(N, True, AUTO, K_READ, True, None, NATIVE, False, '`keyring = "read"`'),
    "native-skip": Row(N, True, AUTO, K_SKIP, True, "alice", [], False, '`keyring = "skip"`'),
    "native-never": Row(
        N, True, NEVER, K_AUTO, True, "alice", [], False, '`authenticate = "never"`', ["url"]
    ),
    "native-out": Row(
        N, True, AUTO, K_AUTO, False, None, NATIVE_OUT, False, "belongs to no configured index"
    ),
    "native-out-user": Row(
        N,
        True,
        AUTO,
        K_AUTO,
        False,
        "alice",
        ["n:uv:files.example.com@alice"],
        False,
        "belongs to no configured index",
    ),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_decision_table(row: Row) -> None:
    config = make_settings(row.provider, row.native_auth, row.authenticate, row.keyring)
    decision = decide(config, URL if row.matched else OUT, row.username)

    assert lookups(decision) == row.lookups
    assert decision.read is bool(row.lookups)
    assert decision.store is row.store
    assert decision.store_service == (f"uv-credentials:{IDX}" if row.store else None)
    kinds = {cell[0] for cell in row.lookups}
    expected_sources = row.sources or [
        *BASE,
        *(["native-keyring"] if "n" in kinds else []),
        *(["subprocess-keyring"] if "s" in kinds else []),
    ]
    assert [source.value for source in decision.sources] == expected_sources
    assert decision.preview_gate is (row.provider is N and not row.native_auth)
    assert decision.provider is row.provider
    assert decision.authenticate is (row.authenticate if row.matched else AUTO)
    assert (decision.index is not None) is row.matched
    assert any(row.reason in reason for reason in decision.reasons), decision.reasons
    for reason in decision.reasons:
        assert "\n" not in reason and reason == reason.strip() and reason[0].islower()


# ------------------------------------------------------------------ rules the fetcher carries out

# (configuration row of ROWS, request URL in an index, expected `read_ahead`): `native` reads a
# configured index's keyring entry before the first request; nothing else does.
READ_AHEAD = {
    "native-gate": ("native-gate", True),
    "native-store": ("native-store", True),
    "native-store-always": ("native-store-always", True),
    "native-read-key": ("native-read-key", True),
    "native-out": ("native-out", False),
    "native-skip": ("native-skip", False),
    "native-never": ("native-never", False),
    "sub-user": ("sub-user", False),
    "sub-always-nouser": ("sub-always-nouser", False),
    "disabled-na-user": ("disabled-na-user", False),
}


@pytest.mark.parametrize(("row_id", "expected"), READ_AHEAD.values(), ids=READ_AHEAD.keys())
def test_read_ahead_table(row_id: str, expected: bool) -> None:
    row = ROWS[row_id]
    config = make_settings(row.provider, row.native_auth, row.authenticate, row.keyring)
    decision = decide(config, URL if row.matched else OUT, row.username)
    assert decision.read_ahead is expected
    assert (decision.read_ahead_reason is not None) is expected
    assert decision.looks_up_first(None) is (expected or row.authenticate is ALWAYS)
    assert decision.looks_up_first("alice") is True


def test_the_implicit_pypi_default_is_not_read_ahead() -> None:
    decision = decide(Settings(keyring_provider=N), "https://pypi.org/simple/anyio/")
    assert decision.read is True
    assert decision.read_ahead is False and decision.looks_up_first(None) is False


E, U_, NR = CredentialSource.ENV, CredentialSource.URL, CredentialSource.NETRC
CF, C = CredentialSource.CREDENTIALS_FILE, CredentialSource.CACHE
NK, SK = CredentialSource.NATIVE_KEYRING, CredentialSource.SUBPROCESS_KEYRING

# (configuration row, credentials' source, username, has a password, may they be stored)
MAY_STORE = {
    "env": ("native-store", E, "alice", True, True),
    "request-url": ("native-store", U_, "alice", True, True),
    "store-key": ("native-store-key", E, "alice", True, True),
    "from-netrc": ("native-store", NR, "alice", True, False),
    "from-credentials-file": ("native-store", CF, "alice", True, False),
    "from-cache": ("native-store", C, "alice", True, False),
    "from-native-keyring": ("native-store", NK, "alice", True, False),
    "from-subprocess-keyring": ("native-store", SK, "alice", True, False),
    "no-username": ("native-store", E, None, True, False),
    "empty-username": ("native-store", E, "", True, False),
    "no-password": ("native-store", E, "alice", False, False),
    "gate": ("native-gate", E, "alice", True, False),
    "read-key": ("native-read-key", E, "alice", True, False),
    "out-of-index": ("native-out", E, "alice", True, False),
    "subprocess": ("sub-user", E, "alice", True, False),
}


@pytest.mark.parametrize(
    ("row_id", "source", "username", "password", "expected"),
    MAY_STORE.values(),
    ids=MAY_STORE.keys(),
)
def test_may_store_table(
    row_id: str, source: CredentialSource, username: str | None, password: bool, expected: bool
) -> None:
    row = ROWS[row_id]
    config = make_settings(row.provider, row.native_auth, row.authenticate, row.keyring)
    decision = decide(config, URL if row.matched else OUT, username)
    credentials = Credentials.basic(username, "pw" if password else None, source)
    configured = credentials.given(IDX, configured=source in (E, U_))
    assert decision.may_store(configured) is expected
    if expected:
        assert decision.store and decision.store_service == f"uv-credentials:{IDX}"
        # The same values, but not what the configuration gave this index: never stored.
        assert decision.may_store(credentials.given(IDX)) is False
        assert decision.may_store(credentials.given(IDX + "other/", configured=True)) is False
        assert decision.may_store(configured, redirected=True) is False
        for network in (CredentialSource.LOCATION, CredentialSource.LINK):
            chosen = Credentials.basic(username, "pw", network).given(IDX, configured=True)
            assert decision.may_store(chosen) is False


# ------------------------------------------------------------------ details


def test_the_contract_example_exactly() -> None:
    config = Settings(keyring_provider=N, indexes=(IndexSettings(name="private", url=IDX),))
    assert decide(config, URL).to_json() == EXPLAIN_EXAMPLE


def test_preview_gate_warning_is_the_spec_text() -> None:
    assert PREVIEW_GATE_WARNING == (
        "The `native` keyring provider is experimental and may change without warning; "
        "credentials will not be stored in the keyring. Pass `--preview-features native-auth` "
        "to enable storing."
    )


def test_index_without_a_name_is_shown_by_url() -> None:
    config = Settings(keyring_provider=S, indexes=(IndexSettings(url=IDX, keyring=K_SKIP),))
    decision = decide(config, URL, "alice")
    assert decision.to_json()["index"] == {"name": None, "url": IDX}
    assert decision.reasons == (f'the keyring is not used: index `{IDX}` has `keyring = "skip"`',)


def test_files_under_the_root_url_belong_to_the_index() -> None:
    decision = decide(make_settings(N, True), FILE)
    assert decision.index is not None and decision.index.name == "private"
    assert decision.store_service == f"uv-credentials:{IDX}"


def test_the_implicit_pypi_default_is_read_but_never_stored() -> None:
    config = Settings(keyring_provider=N, preview=Preview(all=True))
    decision = decide(config, "https://pypi.org/simple/anyio/")
    assert decision.index is not None and decision.index.url == "https://pypi.org/simple"
    assert list(decision.keyring_services) == [
        "uv-credentials:https://pypi.org/simple",
        "uv:pypi.org",
    ]
    assert decision.store is False
    assert decision.reasons == (
        "credentials are not stored: the implicit PyPI default is not a configured index",
    )


def test_a_malformed_url_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        decide(make_settings(N), "https://pkgs.example.com:port/simple/")


def test_http_indexes_get_the_scheme_forms() -> None:
    idx = "http://127.0.0.1:8080/simple/"
    native = decide(make_settings(N, url=idx), idx + "foo/")
    assert list(native.keyring_services) == [f"uv-credentials:{idx}", "uv:http://127.0.0.1:8080"]
    sub = decide(make_settings(S, True, url=idx), idx + "foo/", "alice")
    assert list(sub.keyring_services) == [
        "uv:http://127.0.0.1:8080/",
        "uv:127.0.0.1:8080",
        "uv:http://127.0.0.1:8080",
        idx,
        "127.0.0.1:8080",
        "http://127.0.0.1:8080",
    ]


def test_a_username_on_the_request_or_index_url_is_known() -> None:
    config = make_settings(S)
    assert lookups(decide(config, "https://alice@pkgs.example.com/simple/foo/")) == SUB_ALICE
    config = make_settings(S, url="https://alice@pkgs.example.com/simple/")
    assert lookups(decide(config, URL)) == SUB_ALICE
    assert lookups(decide(config, URL, "bob")) == [c.replace("alice", "bob") for c in SUB_ALICE]


def test_credentials_never_reach_the_decision() -> None:
    secret = "Zq9-hunter2"
    config = make_settings(N, True, url=f"https://alice:{secret}@pkgs.example.com/simple/")
    decision = decide(config, f"https://bob:{secret}@pkgs.example.com/simple/foo/")
    assert decision.url == URL
    assert decision.index is not None and decision.index.url == IDX
    assert decision.store_service == f"uv-credentials:{IDX}"
    assert secret not in json.dumps(decision.to_json())
    assert secret not in repr(decision)
    assert lookups(decision) == [c.replace("alice", "bob") for c in NATIVE_ALICE]


def test_url_is_normalised_as_uv_prints_it() -> None:
    decision = decide(make_settings(N), "HTTPS://PKGS.example.com:443/simple/foo/")
    assert decision.url == URL
    assert decision.realm == Realm("https", "pkgs.example.com", None)
    assert decision.index is not None


def test_a_url_without_a_host_reads_no_keyring() -> None:
    decision = decide(Settings(keyring_provider=N, preview=Preview(all=True)), "file:///tmp/x")
    assert decision.keyring_lookups == ()
    assert decision.read is False and decision.store is False
    assert decision.reasons[0] == "the keyring is not used: the URL has no host"


def test_keyring_lookup_shape() -> None:
    decision = decide(make_settings(S, authenticate=ALWAYS), URL)
    assert decision.keyring_lookups[0] == KeyringLookup(
        KeyringKind.SUBPROCESS, IDX, None, creds_mode=True
    )
    assert str(KeyringKind.NATIVE) == "native"


def test_decide_is_deterministic_and_frozen() -> None:
    config = make_settings(N, True)
    first, second = decide(config, URL), decide(config, URL)
    assert first == second
    with pytest.raises(AttributeError):
        first.read = False  # type: ignore[misc]


# ------------------------------------------------------------------ properties

SECRET = "Zq9secret"
HOSTS = ["pkgs.example.com", "127.0.0.1", "files.example.com"]


@st.composite
def urls(draw: st.DrawFn, credentials: bool = True) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(st.sampled_from(HOSTS))
    port = draw(st.sampled_from(["", ":443", ":8080", ":80"]))
    userinfo = ""
    if credentials:
        userinfo = draw(st.sampled_from(["", "alice@", f"alice:{SECRET}@", f":{SECRET}@"]))
    segments = draw(
        st.lists(st.sampled_from(["simple", "+simple", "team", "foo", "simpleevil"]), max_size=3)
    )
    return (
        f"{scheme}://{userinfo}{host}{port}/"
        + "/".join(segments)
        + draw(st.sampled_from(["", "/"]))
    )


@st.composite
def random_settings(draw: st.DrawFn) -> Settings:
    indexes = tuple(
        IndexSettings(
            name=draw(st.sampled_from([None, "private", "team"])),
            url=draw(urls()),
            default=draw(st.booleans()),
            authenticate=draw(st.sampled_from(list(AuthPolicy))),
            keyring=draw(st.sampled_from(list(IndexKeyring))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    features = draw(
        st.sampled_from([frozenset(), frozenset({"native-auth"}), frozenset({"json-output"})])
    )
    return Settings(
        keyring_provider=draw(st.sampled_from(list(KeyringProvider))),
        preview=Preview(all=draw(st.booleans()) and draw(st.booleans()), features=features),
        indexes=indexes,
        no_index=draw(st.booleans()),
    )


USERNAMES = st.sampled_from([None, "alice", "bob"])


@hypothesis_settings(max_examples=300)
@given(random_settings(), urls(), USERNAMES)
def test_properties(config: Settings, url: str, username: str | None) -> None:
    decision = decide(config, url, username)
    payload: dict[str, Any] = decision.to_json()

    # `never` never reads, and consults nothing beyond the request itself
    if decision.authenticate is AuthPolicy.NEVER:
        assert not decision.read and not decision.keyring_lookups
        assert decision.sources == (CredentialSource.URL,)
        assert not decision.store
    # `disabled` never stores
    if config.keyring_provider is KeyringProvider.DISABLED:
        assert not decision.store
        assert all(lookup.service.startswith("uv:") for lookup in decision.keyring_lookups)
        assert all(lookup.username for lookup in decision.keyring_lookups)
    # a store implies native, native-auth and a matched index that allows it
    if decision.store:
        assert config.keyring_provider is KeyringProvider.NATIVE
        assert config.native_auth
        assert decision.index is not None and decision.index.url != "https://pypi.org/simple"
        assert decision.index.keyring in (IndexKeyring.AUTO, IndexKeyring.STORE)
        assert decision.authenticate is not AuthPolicy.NEVER
        assert decision.store_service == f"uv-credentials:{decision.index.url}" or (
            decision.store_service is not None
            and decision.store_service.startswith("uv-credentials:")
        )
    else:
        assert decision.store_service is None
    # skip: no keyring at all
    if decision.index is not None and decision.index.keyring is IndexKeyring.SKIP:
        assert not decision.read
    # read is exactly "some lookup would be made"; sources name the keyrings asked
    assert decision.read is bool(decision.keyring_lookups)
    kinds = {lookup.kind for lookup in decision.keyring_lookups}
    assert (CredentialSource.NATIVE_KEYRING in decision.sources) is (KeyringKind.NATIVE in kinds)
    assert (CredentialSource.SUBPROCESS_KEYRING in decision.sources) is (
        KeyringKind.SUBPROCESS in kinds
    )
    # no field ever holds a password
    assert SECRET not in json.dumps(payload)
    assert SECRET not in repr(decision)
    assert all(SECRET not in lookup.service for lookup in decision.keyring_lookups)
    # matching never crosses a realm
    if decision.index is not None:
        assert Realm.from_url(decision.index.url) == decision.realm
    assert decision.realm == Realm.from_url(url)
    # every decision says why, one sentence per rule
    assert decision.reasons
    assert len(set(decision.reasons)) == len(decision.reasons)


# ------------------------------------------------------------------ parity with uv
# What uv 0.13.9 asked the `keyring` command for in every scenario of a reference run of uv
# against a counting `keyring` command (scenario ids a*, b*, g*), written out here with the
# port fixed at 8080. uv stops at the first answer, so the observed calls are our subprocess
# lookups up to the entry the fake keyring held (`hit`). `earlier` marks scenarios where
# another source already had the password, so no keyring call is due at all.

P_IDX = "http://127.0.0.1:8080/simple/"
P_HOST = "127.0.0.1:8080"
P_SH = "http://127.0.0.1:8080"
P_U = "http://alice@127.0.0.1:8080/simple/"
P_UP = "http://alice:s3cret@127.0.0.1:8080/simple/"


@dataclass(frozen=True)
class UvScenario:
    provider: KeyringProvider
    index_url: str
    calls: list[list[str]]
    hit: tuple[str, str] | None = None  # (service, username) the fake keyring answered
    authenticate: AuthPolicy = AUTO
    username: str | None = None  # a username the fetcher knows besides the URLs (env)
    earlier: bool = False


def _user(*services: str, user: str = "alice") -> list[list[str]]:
    return [["get", service, user] for service in services]


def _creds(*services: str) -> list[list[str]]:
    return [["get", service, "--mode", "creds"] for service in services]


UV_SCENARIOS = {
    "a1": UvScenario(S, P_U, _user(P_IDX, P_HOST), (P_HOST, "alice")),
    "a2": UvScenario(S, P_U, _user(P_IDX), (P_IDX, "alice")),
    "a3": UvScenario(S, P_U, _user(P_IDX, P_HOST, P_SH), (P_SH, "alice")),
    "a4": UvScenario(S, P_U, _user(P_IDX, P_HOST, P_SH)),
    "a5": UvScenario(S, P_UP, [], (P_HOST, "alice"), earlier=True),  # password in the URL
    "a6": UvScenario(S, P_U, _user(P_IDX, P_HOST), (P_HOST, "alice")),
    # no `keyring` on PATH: uv's -v log shows the index-URL lookup and three failed spawns
    "a7": UvScenario(S, P_U, _user(P_IDX, P_HOST, P_SH)),
    "a8": UvScenario(S, P_U, _user(P_IDX, P_HOST), (P_HOST, "alice")),
    "a9": UvScenario(
        S,
        "http://bob@127.0.0.1:8080/simple/",
        _user(P_IDX, P_HOST, P_SH, user="bob"),
        (P_HOST, "alice"),
    ),
    "b1": UvScenario(S, P_IDX, [], (P_HOST, "alice")),
    "b2": UvScenario(S, P_IDX, [], (P_IDX, "alice")),
    "g01": UvScenario(S, P_IDX, _creds(P_IDX, P_HOST), (P_HOST, "alice"), ALWAYS),
    "g02": UvScenario(S, P_IDX, _creds(P_IDX), (P_IDX, "alice"), ALWAYS),
    "g03": UvScenario(S, P_IDX, _creds(P_IDX, P_HOST, P_SH), None, ALWAYS),  # keyring < 25.2
    "g04": UvScenario(D, P_IDX, [], (P_HOST, "alice"), ALWAYS),
    "g05": UvScenario(D, P_IDX, [], (P_HOST, "alice"), ALWAYS, "alice", earlier=True),
    "g06": UvScenario(D, P_IDX, [], (P_HOST, "alice"), AUTO, "alice", earlier=True),
    "g07": UvScenario(D, P_IDX, [], (P_HOST, "alice"), NEVER, "alice"),
    "g08": UvScenario(D, P_UP, [], (P_HOST, "alice"), NEVER),
    "g09": UvScenario(S, P_U, [], (P_HOST, "alice"), NEVER),
    "g10": UvScenario(S, P_IDX, _user(P_IDX, P_HOST), (P_HOST, "alice"), AUTO, "alice"),
    "g11": UvScenario(D, P_IDX, [], (P_HOST, "alice")),
    "g12": UvScenario(D, P_IDX, [], (P_HOST, "alice"), AUTO, "alice", earlier=True),
    "g13": UvScenario(D, P_IDX, [], (P_HOST, "alice")),  # env names not normalised: unused
    "g14": UvScenario(D, P_IDX, [], (P_HOST, "alice"), AUTO, "alice", earlier=True),
    "g15": UvScenario(S, P_U, _user(P_IDX, P_HOST), (P_HOST, "alice"), ALWAYS),
    "g16": UvScenario(S, P_IDX, _creds(P_IDX, P_HOST, P_SH), None, ALWAYS),
    "g17": UvScenario(S, P_U, _user(P_IDX, P_HOST), (P_HOST, "alice")),
    "g18-1": UvScenario(D, P_IDX, [], (P_HOST, "alice")),
    "g18-2": UvScenario(S, P_U, [], (P_HOST, "alice"), earlier=True),  # netrc answers first
}


def _simulated_calls(decision: Decision, scenario: UvScenario) -> list[list[str]]:
    """The `keyring` argv our subprocess lookups make, stopping at the keyring's answer."""
    if scenario.earlier:
        return []
    calls: list[list[str]] = []
    for lookup in decision.keyring_lookups:
        if lookup.kind is not KeyringKind.SUBPROCESS:
            continue
        if lookup.creds_mode:
            calls.append(["get", lookup.service, "--mode", "creds"])
        else:
            assert lookup.username is not None
            calls.append(["get", lookup.service, lookup.username])
        if (
            scenario.hit is not None
            and scenario.hit[0] == lookup.service
            and (lookup.username in (None, scenario.hit[1]))
        ):
            break
    return calls


@pytest.mark.parametrize("scenario", UV_SCENARIOS.values(), ids=UV_SCENARIOS.keys())
def test_subprocess_services_match_uv(scenario: UvScenario) -> None:
    index = IndexSettings(
        name="private", url=scenario.index_url, default=True, authenticate=scenario.authenticate
    )
    config = Settings(keyring_provider=scenario.provider, indexes=(index,))
    decision = decide(config, P_IDX + "peerpkg/", scenario.username)
    assert _simulated_calls(decision, scenario) == scenario.calls
    if scenario.earlier and scenario.provider is S:
        # the keyring would still be allowed; another source simply answered first
        assert decision.sources.index(CredentialSource.SUBPROCESS_KEYRING) > max(
            decision.sources.index(CredentialSource.URL),
            decision.sources.index(CredentialSource.NETRC),
        )


@pytest.mark.parametrize(
    ("index_url", "services"),
    [
        # e08 / e09: `--index-url http://alice@…/simple/` under native-auth (or --preview): uv
        # warned once per name it asked the system keyring for, in this order
        (P_U, ["uv:http://127.0.0.1:8080/", "uv:127.0.0.1:8080", "uv:http://127.0.0.1:8080"]),
        # e08 step 2: no username, no native lookup at all
        (P_IDX, []),
    ],
)
def test_native_store_names_match_uv(index_url: str, services: list[str]) -> None:
    index = IndexSettings(url=index_url, default=True)
    for preview in (Preview(features=frozenset({"native-auth"})), Preview(all=True)):
        config = Settings(preview=preview, indexes=(index,))
        decision = decide(config, P_IDX + "peerpkg/")
        assert list(decision.keyring_services) == services
        assert all(lookup.username == "alice" for lookup in decision.keyring_lookups)
