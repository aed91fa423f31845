"""The hint under a 401 or 403: computed from the decision and from what actually happened.

uv says the same for a missing and a wrong password. Here the hint names what was sent and
where it came from (provenance recorded when the credentials were attached, never guessed
from the header), the exact `UV_INDEX_<NAME>_*` variables of that index, whether the keyring
was asked at all and why not, whether the `keyring` command is missing, and how to replace or
remove what was rejected. Pure: the caller gathers the facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.decision import Decision
from policy.env import index_password_var, index_username_var
from policy.provenance import CredentialSource
from policy.redact import redact_url
from policy.settings.models import AuthPolicy, IndexKeyring, KeyringProvider

SENT_EXTENSION = "keyring_policy.sent"
"""Key of `Sent` in `httpx.Request.extensions`, set when credentials are attached."""


@dataclass(frozen=True)
class Sent:
    """What went out with a request: where the credentials came from, and if a password did."""

    source: CredentialSource
    password: bool
    username: str | None = None
    """Asked about, never shown: a username sent without a password may be a token."""

    def __repr__(self) -> str:
        return f"Sent(source={self.source.value!r}, password={self.password})"


@dataclass(frozen=True)
class Facts:
    """Everything a hint depends on, besides the decision."""

    status: int
    sent: Sent | None
    username_known: bool
    keyring_command: bool | None = None
    """Whether the `keyring` command is on PATH; None when it does not matter or is unknown."""


_FROM = {
    CredentialSource.URL: "the index URL",
    CredentialSource.ENV: "{vars}",
    CredentialSource.CACHE: "an earlier success in this run",
    CredentialSource.NETRC: "netrc (`~/.netrc` or `$NETRC`)",
    CredentialSource.CREDENTIALS_FILE: "uv's credentials file",
    CredentialSource.NATIVE_KEYRING: "the system keyring",
    CredentialSource.SUBPROCESS_KEYRING: "the `keyring` command",
    CredentialSource.LOCATION: "the server's redirect (userinfo in its `Location`)",
    CredentialSource.LINK: "a link of the index's page (userinfo in the link)",
}


def _from(decision: Decision, source: CredentialSource) -> str:
    return _FROM[source].format(vars=_env_vars(decision))


def _target(decision: Decision) -> str:
    """How to name the index on the command line: its name, else its URL."""
    index = decision.index
    if index is not None and index.name:
        return index.name
    return redact_url(index.url if index is not None else decision.url)


def _index_url(decision: Decision) -> str:
    return redact_url(decision.index.url if decision.index is not None else decision.url)


def _env_vars(decision: Decision) -> str:
    index = decision.index
    if index is not None and index.name:
        return f"`{index_username_var(index.name)}` / `{index_password_var(index.name)}`"
    return "`UV_INDEX_<NAME>_USERNAME` / `_PASSWORD` (give the index a `name` first)"


def _first_service(decision: Decision, kind: str) -> str | None:
    for lookup in decision.keyring_lookups:
        if str(lookup.kind) == kind:
            return lookup.service
    return None


def _replace(decision: Decision, source: CredentialSource) -> str:
    """How to replace credentials that came from `source`."""
    target = _target(decision)
    if source is CredentialSource.URL:
        return "correct the URL where the index is configured (`keyring-policy config` shows where)"
    if source is CredentialSource.ENV:
        return f"correct {_env_vars(decision)}"
    if source is CredentialSource.NETRC:
        return f"correct the `machine {decision.realm.host}` entry"
    if source is CredentialSource.CREDENTIALS_FILE:
        return (
            f"replace them with `keyring-policy auth login {target} -u USERNAME`, or remove "
            f"them with `keyring-policy auth logout {target} -u USERNAME`"
        )
    if source is CredentialSource.NATIVE_KEYRING:
        service = _first_service(decision, "native") or decision.store_service or "SERVICE"
        return (
            f"replace them with `keyring-policy --preview-features native-auth auth login "
            f"{target} -u USERNAME` or `keyring set {service} USERNAME`, or remove them with "
            f"`keyring-policy auth logout {target} -u USERNAME`"
        )
    if source is CredentialSource.SUBPROCESS_KEYRING:
        service = _first_service(decision, "subprocess") or "SERVICE"
        return f"replace them with `keyring set {service} USERNAME`"
    if source in (CredentialSource.LOCATION, CredentialSource.LINK):
        return "the server chose these credentials; ask the index's operator"
    return "run again: the cached credentials are dropped with the process"


def _keyring_advice(decision: Decision, facts: Facts) -> str:
    """Why the keyring had nothing to offer, and what would change that."""
    index = decision.index
    if index is not None and index.keyring is IndexKeyring.SKIP:
        return (
            f'the keyring is skipped for this index (`keyring = "skip"` on `{_target(decision)}`)'
        )
    provider = decision.provider
    if provider is KeyringProvider.SUBPROCESS:
        if facts.keyring_command is False:
            return (
                "the `keyring` command is not on PATH, so it was never asked; install it "
                "(`pip install keyring` or `uv tool install keyring`)"
            )
        if not facts.username_known:
            return (
                "the `keyring` command is asked only for a known username, as uv does: put "
                f"the username in the index URL (`https://USERNAME@...`) or set "
                f"{_env_vars(decision).split(' / ')[0]}"
            )
        asked = _first_service(decision, "subprocess") or _index_url(decision)
        return f"the `keyring` command had nothing: `keyring set {asked} USERNAME` stores it"
    if provider is KeyringProvider.NATIVE:
        service = _first_service(decision, "native")
        if service is None:
            return "the system keyring is not read for this URL"
        return (
            f"the system keyring had nothing under `{service}`: "
            f"`keyring-policy --preview-features native-auth auth login {_target(decision)} "
            f"-u USERNAME` or `keyring set {service} USERNAME` stores it"
        )
    if _first_service(decision, "native") is not None:
        return "uv's native store (`uv:` entries) had nothing for this username"
    return (
        'the keyring is not read: `keyring-provider` is "disabled" (set it to "native" or '
        '"subprocess" to use one)'
    )


def _provide(decision: Decision, facts: Facts) -> str:
    """Where credentials could come from, for this index."""
    return (
        f"provide them with {_env_vars(decision)}, in the index URL, in netrc, with "
        f"`keyring-policy auth login {_target(decision)} -u USERNAME`, or in the keyring; "
        f"{_keyring_advice(decision, facts)}"
    )


def failure_hint(decision: Decision, facts: Facts) -> str:
    """One hint for a 401/403 on `decision.url`: what happened, and the fix that applies."""
    shown = _index_url(decision)
    status = facts.status
    if decision.authenticate is AuthPolicy.NEVER and facts.sent is None:
        return (
            f"no credentials were sent to {shown} ({status}): it has "
            '`authenticate = "never"`, so none are; use "auto" or "always" if it needs them'
        )
    sent = facts.sent
    if sent is None:
        return f"no credentials were sent to {shown} ({status}); {_provide(decision, facts)}"
    if not sent.password:
        return (
            f"a username without a password was sent to {shown} ({status}), from "
            f"{_from(decision, sent.source)}; no allowed source had the password; "
            f"{_provide(decision, facts)}"
        )
    access = " (a 403 can also mean the user may not read this project)" if status == 403 else ""
    return (
        f"the credentials from {_from(decision, sent.source)} were rejected by {shown} "
        f"({status}){access}; {_replace(decision, sent.source)}"
    )


__all__ = ["SENT_EXTENSION", "Facts", "Sent", "failure_hint"]
