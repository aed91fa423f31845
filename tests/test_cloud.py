"""Hosted registries' fixed usernames: real host names from the registries' documentation,
lookalikes that must not match, and what `decide()` and `explain` make of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.cloud import CloudRegistry, cloud_username, registry_of
from policy.decision import decide
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Settings,
)

GAR, AWS, AZURE = (
    CloudRegistry.GOOGLE_ARTIFACT_REGISTRY,
    CloudRegistry.AWS_CODEARTIFACT,
    CloudRegistry.AZURE_ARTIFACTS,
)

# Index URLs as the registries' own documentation writes them.
DOCUMENTED = [
    ("https://us-central1-python.pkg.dev/my-project/my-repo/simple/", GAR, "oauth2accesstoken"),
    ("https://europe-west1-python.pkg.dev/PROJECT/REPOSITORY/simple/", GAR, "oauth2accesstoken"),
    ("https://us-python.pkg.dev/p/r/simple/", GAR, "oauth2accesstoken"),
    ("https://asia-northeast1-python.pkg.dev/p/r/simple/", GAR, "oauth2accesstoken"),
    (
        "https://my_domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my_repo/simple/",
        AWS,
        "aws",
    ),
    (
        "https://corp-123456789012.d.codeartifact.eu-central-1.amazonaws.com/pypi/shared/simple/",
        AWS,
        "aws",
    ),
    (
        "https://pkgs.dev.azure.com/contoso/_packaging/MyFeed/pypi/simple/",
        AZURE,
        "VssSessionToken",
    ),
    (
        "https://pkgs.dev.azure.com/contoso/MyProject/_packaging/MyFeed/pypi/simple/",
        AZURE,
        "VssSessionToken",
    ),
    (
        "https://contoso.pkgs.visualstudio.com/_packaging/MyFeed/pypi/simple/",
        AZURE,
        "VssSessionToken",
    ),
    ("https://PKGS.DEV.AZURE.COM/org/_packaging/f/pypi/simple/", AZURE, "VssSessionToken"),
]

LOOKALIKES = [
    "pkg.dev.evil.com",
    "us-python.pkg.dev.evil.com",
    "codeartifact.amazonaws.com.evil.net",
    "d-1.d.codeartifact.us-west-2.amazonaws.com.evil.net",
    "x.d.codeartifact.us-west-2.amazonaws.com.cn.evil.net",
    "pkgs.dev.azure.com.evil.net",
    "evilpkgs.dev.azure.com",
    "pkgs.dev.azure.co",
    "contoso.pkgs.visualstudio.com.evil.net",
    "pkgs.visualstudio.com",
    "a.b.pkgs.visualstudio.com",
    "python.pkg.dev",
    "-python.pkg.dev",
    "us-docker.pkg.dev",
    "us-npm.pkg.dev",
    "pkg.dev",
    "evilpython.pkg.dev.example",
    "d.codeartifact.us-west-2.amazonaws.com",
    "x.codeartifact.us-west-2.amazonaws.com",
    "x.d.codeartifact.amazonaws.com",
    "pypi.org",
    "127.0.0.1",
    "[::1]",
    "",
    "us..python.pkg.dev",
]


@pytest.mark.parametrize(("url", "registry", "username"), DOCUMENTED)
def test_documented_hosts_get_their_registrys_username(
    url: str, registry: CloudRegistry, username: str
) -> None:
    config = Settings(
        keyring_provider=KeyringProvider.SUBPROCESS,
        indexes=(IndexSettings(name="cloud", url=url),),
    )
    decision = decide(config, url + "foo/")
    assert decision.cloud is not None and decision.cloud.registry is registry
    assert {lookup.username for lookup in decision.keyring_lookups} == {username}
    assert decision.reasons[0] == (
        f"the keyring is asked for username `{username}`: no username is known and the host "
        f"belongs to {registry.value}, whose tokens go with that username"
    )


@pytest.mark.parametrize("host", LOOKALIKES)
def test_lookalike_hosts_do_not_match(host: str) -> None:
    assert registry_of(host) is None
    assert cloud_username(host) is None


@pytest.mark.parametrize("host", LOOKALIKES[:-4])
def test_lookalike_hosts_are_untouched_by_decide(host: str) -> None:
    url = f"https://{host}/simple/"
    config = Settings(
        keyring_provider=KeyringProvider.SUBPROCESS, indexes=(IndexSettings(url=url),)
    )
    decision = decide(config, url + "foo/")
    assert decision.cloud is None
    assert decision.keyring_lookups == ()  # uv's rule: no username, no `keyring` call


GAR_INDEX = "https://us-central1-python.pkg.dev/p/r/simple/"


@pytest.mark.parametrize("provider", list(KeyringProvider))
def test_a_known_username_always_wins(provider: KeyringProvider) -> None:
    config = Settings(keyring_provider=provider, indexes=(IndexSettings(url=GAR_INDEX),))
    given_name = decide(config, GAR_INDEX + "foo/", "_json_key_base64")
    in_url = decide(config, "https://robot@us-central1-python.pkg.dev/p/r/simple/foo/")
    on_index = decide(
        Settings(
            keyring_provider=provider,
            indexes=(IndexSettings(url="https://robot@us-central1-python.pkg.dev/p/r/simple/"),),
        ),
        GAR_INDEX + "foo/",
    )
    for decision, name in (
        (given_name, "_json_key_base64"),
        (in_url, "robot"),
        (on_index, "robot"),
    ):
        assert decision.cloud is None
        assert all(lookup.username == name for lookup in decision.keyring_lookups)
        assert not any("oauth2accesstoken" in reason for reason in decision.reasons)


def test_native_lookups_use_the_fixed_username() -> None:
    config = Settings(
        keyring_provider=KeyringProvider.NATIVE, indexes=(IndexSettings(url=GAR_INDEX),)
    )
    decision = decide(config, GAR_INDEX + "foo/")
    assert [(lookup.service, lookup.username) for lookup in decision.keyring_lookups] == [
        (f"uv-credentials:{GAR_INDEX}", "oauth2accesstoken"),
        ("uv:us-central1-python.pkg.dev", "oauth2accesstoken"),
    ]


@pytest.mark.parametrize(
    "index",
    [
        IndexSettings(url=GAR_INDEX, keyring=IndexKeyring.SKIP),
        IndexSettings(url=GAR_INDEX, authenticate=AuthPolicy.NEVER),
    ],
    ids=["skip", "never"],
)
def test_no_keyring_no_fixed_username(index: IndexSettings) -> None:
    decision = decide(
        Settings(keyring_provider=KeyringProvider.NATIVE, indexes=(index,)), GAR_INDEX
    )
    assert decision.cloud is None and decision.keyring_lookups == ()


def test_disabled_provider_shows_no_fixed_username() -> None:
    decision = decide(Settings(indexes=(IndexSettings(url=GAR_INDEX),)), GAR_INDEX)
    assert decision.cloud is None
    assert not any("oauth2accesstoken" in reason for reason in decision.reasons)


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(st.lists(_LABEL, min_size=1, max_size=6), st.sampled_from(["evil.com", "example.net"]))
def test_a_registry_host_under_another_domain_never_matches(labels: list[str], tail: str) -> None:
    """Whatever comes before it, a host that ends in someone else's domain is not a registry."""
    assert registry_of(".".join([*labels, tail])) is None


@given(st.sampled_from([h for h in ("pkgs.dev.azure.com", "us-python.pkg.dev")]), _LABEL)
def test_a_registry_host_with_a_suffix_never_matches(host: str, label: str) -> None:
    assert registry_of(f"{host}.{label}") is None
