"""The 401/403 hint, table-tested: provider x username known x source of the rejected
credentials x `keyring` command present. Every hint must name the fix that applies."""

from __future__ import annotations

import itertools

import pytest

from policy.decision import decide
from policy.fetch.hints import Facts, Sent, failure_hint
from policy.provenance import CredentialSource
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)

URL = "https://pkgs.example.com/simple/"
SECRET = "hint-Pa55-w0rd"
PROVIDERS = tuple(KeyringProvider)
SENT: tuple[Sent | None, ...] = (
    None,
    *(Sent(source, True) for source in CredentialSource),
    Sent(CredentialSource.ENV, False),
    Sent(CredentialSource.URL, False),
)

# What the hint must say about where rejected credentials came from, and how to fix them.
REJECTED = {
    CredentialSource.URL: ("from the index URL", "correct the URL"),
    CredentialSource.ENV: (
        "from `UV_INDEX_PEER_USERNAME` / `UV_INDEX_PEER_PASSWORD`",
        "correct `UV_INDEX_PEER_USERNAME`",
    ),
    CredentialSource.CACHE: ("earlier success in this run", "run again"),
    CredentialSource.NETRC: ("from netrc", "`machine pkgs.example.com`"),
    CredentialSource.CREDENTIALS_FILE: (
        "from uv's credentials file",
        "`keyring-policy auth login peer -u USERNAME`",
    ),
    CredentialSource.NATIVE_KEYRING: (
        "from the system keyring",
        "`keyring-policy auth logout peer -u USERNAME`",
    ),
    CredentialSource.SUBPROCESS_KEYRING: ("from the `keyring` command", "`keyring set "),
    CredentialSource.LOCATION: ("from the server's redirect", "the server chose these"),
    CredentialSource.LINK: ("from a link of the index's page", "the server chose these"),
}


def _settings(provider: KeyringProvider, url: str = URL, **index: object) -> Settings:
    return Settings(
        keyring_provider=provider,
        preview=Preview(features=frozenset({"native-auth"})),
        indexes=(IndexSettings.model_validate({"name": "peer", "url": url, **index}),),
    )


def _missing_fix(provider: KeyringProvider, known: bool, command: bool) -> str:
    """The keyring part of the hint when nothing usable was sent."""
    if provider is KeyringProvider.SUBPROCESS:
        if not command:
            return "the `keyring` command is not on PATH"
        if not known:
            return "asked only for a known username"
        return f"`keyring set {URL} USERNAME`"
    if provider is KeyringProvider.NATIVE:
        return f"`keyring set uv-credentials:{URL} USERNAME`"
    if known:
        return "uv's native store (`uv:` entries) had nothing"
    return '`keyring-provider` is "disabled"'


MATRIX = list(itertools.product(PROVIDERS, (False, True), SENT, (False, True)))


@pytest.mark.parametrize(
    ("provider", "known", "sent", "command"),
    MATRIX,
    ids=[
        f"{p.value}-{'user' if k else 'nouser'}-"
        f"{'nothing' if s is None else s.source.value + ('' if s.password else '-useronly')}-"
        f"{'cmd' if c else 'nocmd'}"
        for p, k, s, c in MATRIX
    ],
)
def test_hint_matrix(
    provider: KeyringProvider, known: bool, sent: Sent | None, command: bool
) -> None:
    username = "alice" if known or sent is not None else None
    decision = decide(_settings(provider), URL + "foo/", username)
    facts = Facts(401, sent, known or sent is not None, command)
    hint = failure_hint(decision, facts)
    if sent is not None and sent.password:
        origin, fix = REJECTED[sent.source]
        assert origin in hint and "were rejected" in hint and fix in hint, hint
        assert "not on PATH" not in hint
        return
    if sent is None:
        assert hint.startswith(f"no credentials were sent to {URL} (401)")
    else:
        assert "a username without a password was sent" in hint
    assert "`UV_INDEX_PEER_USERNAME` / `UV_INDEX_PEER_PASSWORD`" in hint
    assert "`keyring-policy auth login peer -u USERNAME`" in hint
    assert _missing_fix(provider, known or sent is not None, command) in hint, hint


def test_403_says_access_may_be_the_problem() -> None:
    decision = decide(_settings(KeyringProvider.NATIVE), URL + "foo/")
    hint = failure_hint(decision, Facts(403, Sent(CredentialSource.ENV, True), True))
    assert "(403)" in hint and "may not read this project" in hint


def test_variable_names_follow_the_index_name() -> None:
    settings = Settings(indexes=(IndexSettings(name="my-index.eu", url=URL),))
    hint = failure_hint(decide(settings, URL + "foo/"), Facts(401, None, False))
    assert "`UV_INDEX_MY_INDEX_EU_USERNAME` / `UV_INDEX_MY_INDEX_EU_PASSWORD`" in hint
    unnamed = Settings(indexes=(IndexSettings(url=URL),))
    hint = failure_hint(decide(unnamed, URL + "foo/"), Facts(401, None, False))
    assert "give the index a `name` first" in hint and f"auth login {URL}" in hint


def test_skip_and_never_are_named() -> None:
    skip = _settings(KeyringProvider.NATIVE, keyring=IndexKeyring.SKIP)
    hint = failure_hint(decide(skip, URL + "foo/"), Facts(401, None, False))
    assert '`keyring = "skip"` on `peer`' in hint
    never = _settings(KeyringProvider.NATIVE, authenticate=AuthPolicy.NEVER)
    hint = failure_hint(decide(never, URL + "foo/"), Facts(401, None, False))
    assert 'authenticate = "never"' in hint


@pytest.mark.parametrize("sent", SENT)
def test_no_hint_shows_a_password_from_the_configuration(sent: Sent | None) -> None:
    url = f"https://alice:{SECRET}@pkgs.example.com/simple/"
    for provider in PROVIDERS:
        decision = decide(_settings(provider, url), URL + "foo/")
        hint = failure_hint(decision, Facts(401, sent, True, False))
        assert SECRET not in hint


def test_a_username_sent_alone_is_never_shown() -> None:
    token_like = "tok-" + SECRET
    for provider in PROVIDERS:
        decision = decide(_settings(provider), URL + "foo/", token_like)
        for source in CredentialSource:
            for password in (False, True):
                sent = Sent(source, password, token_like)
                hint = failure_hint(decision, Facts(401, sent, True, False))
                assert token_like not in hint
                assert token_like not in repr(sent)
