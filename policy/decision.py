"""The policy: for one URL, which credential sources to consult, whether the keyring may be
read (and read before the first request), which working credentials may be stored in it, and
why.

`decide` is pure: no network, no keyring, no clock, no `os.environ`. Its input is the resolved
`Settings`, the URL about to be requested and, if known, a username; everything else (what the
sources hold, whether the response was 2xx, whether the keyring already holds the credentials)
is the fetcher's business: it asks `Decision.looks_up_first` and `Decision.may_store` and
carries the answers out.

Keyring service names, in the order they are tried:

- `subprocess` (exactly uv's `keyring get` calls): the index URL (or, outside every index, the
  request URL), then `host[:port]`, then `scheme://host[:port]` for non-https URLs.
- `native`: `uv-credentials:<index-url>` (this project's entry, only inside an index), then the
  host-level entry that `uv auth login --preview-features native-auth` writes: `uv:<host[:port]>`
  for https, `uv:<scheme://host[:port]>` otherwise.
- uv's own native store, read under `native-auth` whatever the provider, as uv reads it: with a
  username only, `uv:` + the index root URL (or the request URL), `host[:port]`, and
  `scheme://host[:port]` for non-https URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from policy._compat import StrEnum
from policy.cloud import CloudUsername, cloud_username
from policy.index import PYPI_INDEX, match_index
from policy.provenance import CredentialSource, Provenanced
from policy.realm import Realm, normalize_url, root_url
from policy.redact import strip_credentials
from policy.settings.models import (
    NATIVE_AUTH,
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Settings,
)

PREVIEW_GATE_WARNING = (
    "The `native` keyring provider is experimental and may change without warning; "
    "credentials will not be stored in the keyring. Pass `--preview-features native-auth` "
    "to enable storing."
)
"""Printed once per process when `native` is used without `native-auth`."""

STORE_PREFIX = "uv-credentials:"
"""This project's keyring entries: `uv-credentials:<index-url>`."""

UV_PREFIX = "uv:"
"""uv's native-store entries (`UV_SERVICE_PREFIX`)."""

STORABLE_SOURCES = frozenset({CredentialSource.URL, CredentialSource.ENV})
"""Only credentials configured for the index (its URL, `UV_INDEX_<NAME>_*`) are
stored; never what netrc, the credentials file, a keyring or the cache gave back, nor what
the network chose (a redirect's `Location`, a page's link)."""

_SOURCES_BEFORE_KEYRING = (
    CredentialSource.URL,
    CredentialSource.ENV,
    CredentialSource.CACHE,
    CredentialSource.NETRC,
    CredentialSource.CREDENTIALS_FILE,
)


class KeyringKind(StrEnum):
    """Which keyring a lookup goes to."""

    NATIVE = "native"
    SUBPROCESS = "subprocess"


@dataclass(frozen=True)
class KeyringLookup:
    """One keyring question: a service name, with a username, or `--mode creds` without one.

    `username` None with `creds_mode` False means "whatever username the caller knows, or
    any entry for the service" (native lookups without a username).
    """

    kind: KeyringKind
    service: str
    username: str | None
    creds_mode: bool = False


@dataclass(frozen=True)
class Decision:
    """The policy's answer for one URL; no field ever holds a password."""

    url: str
    realm: Realm
    index: IndexSettings | None
    authenticate: AuthPolicy
    provider: KeyringProvider
    read: bool
    store: bool
    store_service: str | None
    sources: tuple[CredentialSource, ...]
    keyring_lookups: tuple[KeyringLookup, ...]
    reasons: tuple[str, ...]
    preview_gate: bool
    read_ahead: bool = False
    """Look the credentials up before the first request, not only after a 401 (see `decide`)."""
    read_ahead_reason: str | None = None
    """Why `read_ahead` holds (kept out of `reasons`, whose JSON form is a stable interface)."""
    cloud: CloudUsername | None = None
    """The hosted registry's fixed username the keyring lookups use (none was known)."""

    def may_store(self, credentials: Provenanced, *, redirected: bool = False) -> bool:
        """May `credentials`, which a 2xx just answered, be stored?

        Only where `store` allows it; only credentials configured for this very index (its
        URL's userinfo or its `UV_INDEX_<NAME>_*`, recorded when they were found: source in
        `STORABLE_SOURCES`, `configured`, scope this index's URL); only when the request
        carried them to the index directly (`redirected` False: no redirect hop in between);
        and only with a username and a password. Whether the keyring already holds them is
        the fetcher's question (I/O), asked after this one.
        """
        return (
            self.store
            and not redirected
            and credentials.configured
            and credentials.source in STORABLE_SOURCES
            and self.index is not None
            and credentials.scope == normalize_url(self.index.url)
            and bool(credentials.username)
            and credentials.is_authenticated
        )

    def looks_up_first(self, username: str | None) -> bool:
        """Whether to ask the sources before sending a request that has no password.

        With a known username or under `authenticate = "always"`, as uv does; and when
        `read_ahead` holds.
        """
        return self.authenticate is AuthPolicy.ALWAYS or username is not None or self.read_ahead

    @property
    def keyring_services(self) -> tuple[str, ...]:
        """The service names of the keyring lookups, in order."""
        return tuple(lookup.service for lookup in self.keyring_lookups)

    def to_json(self) -> dict[str, Any]:
        """The `explain --format json` object (stable keys)."""
        index = None
        if self.index is not None:
            index = {"name": self.index.name, "url": self.index.url}
        return {
            "url": self.url,
            "realm": str(self.realm),
            "index": index,
            "authenticate": self.authenticate.value,
            "provider": self.provider.value,
            "read": self.read,
            "store": self.store,
            "sources": [source.value for source in self.sources],
            "keyring_services": list(self.keyring_services),
            "reasons": list(self.reasons),
        }


def _url_username(url: str) -> str | None:
    try:
        username = urlsplit(url).username
    except ValueError:
        return None
    return unquote(username) if username else None


@lru_cache(maxsize=256)
def _safe_index(index: IndexSettings) -> IndexSettings:
    """The index with credentials removed from its URLs, so that a Decision never holds one."""
    update: dict[str, str] = {"url": strip_credentials(index.url)}
    if index.publish_url is not None:
        update["publish_url"] = strip_credentials(index.publish_url)
    return index.model_copy(update=update)


def _label(index: IndexSettings) -> str:
    return f"index `{index.name}`" if index.name else f"index `{index.url}`"


def service_names(url: str, realm: Realm) -> list[str]:
    """uv's three keyring service names for `url` (already without credentials).

    The URL, `host[:port]`, then `scheme://host[:port]` for non-https URLs: what the `keyring`
    command is asked, and (with `uv:` in front) what uv's native store is read under.
    """
    services = [url, realm.host_port]
    if realm.scheme != "https":
        services.append(str(realm))
    return services


def native_target(realm: Realm) -> str:
    """uv's native-store target: `host[:port]` for https, `scheme://host[:port]` otherwise."""
    return realm.host_port if realm.scheme == "https" else str(realm)


def decide(settings: Settings, url: str, username: str | None = None) -> Decision:
    """What may be read and stored for a request to `url`, by whom, and why.

    `username` is a username already known for the request (from its URL, the environment
    or an earlier answer); without one, the request URL's and then the index URL's username
    count as known. Raises ValueError for a URL that cannot be parsed (a malformed port).
    """
    clean_url = normalize_url(url)
    realm = Realm.from_url(clean_url)
    matched = match_index(settings, url)
    index = _safe_index(matched) if matched is not None else None
    provider = settings.keyring_provider
    native_auth = settings.native_auth
    authenticate = index.authenticate if index is not None else AuthPolicy.AUTO
    if not username:
        username = _url_username(url) or (
            _url_username(matched.url) if matched is not None else None
        )
    # A hosted registry's fixed username stands in for an unknown one, for the keyring only;
    # any username the request, the index or the environment names wins.
    cloud = None if username else cloud_username(realm.host)
    preview_gate = provider is KeyringProvider.NATIVE and not native_auth
    index_url = normalize_url(index.url) if index is not None else None

    reasons: list[str] = []
    lookups: list[KeyringLookup] = []

    def decision(
        sources: tuple[CredentialSource, ...], store: bool, read_ahead: str | None = None
    ) -> Decision:
        return Decision(
            url=clean_url,
            realm=realm,
            index=index,
            authenticate=authenticate,
            provider=provider,
            read=bool(lookups),
            store=store,
            store_service=f"{STORE_PREFIX}{index_url}" if store else None,
            sources=sources,
            keyring_lookups=tuple(lookups),
            reasons=tuple(reasons),
            preview_gate=preview_gate,
            read_ahead=read_ahead is not None,
            read_ahead_reason=read_ahead,
            cloud=cloud if lookups else None,
        )

    # `never` sends the request as it is, with only what it already carries.
    if index is not None and authenticate is AuthPolicy.NEVER:
        reasons.append(
            f"no credentials are looked up: {_label(index)} has "
            '`authenticate = "never"`; the request is sent as it is'
        )
        return decision((CredentialSource.URL,), store=False)

    skip = index is not None and index.keyring is IndexKeyring.SKIP
    if index is not None and skip:
        reasons.append(f'the keyring is not used: {_label(index)} has `keyring = "skip"`')
    elif not realm.host:
        reasons.append("the keyring is not used: the URL has no host")
    else:
        _keyring_lookups(
            provider,
            native_auth,
            realm,
            clean_url,
            index,
            index_url,
            authenticate,
            cloud.username if cloud is not None else username,
            lookups,
            reasons,
        )
        if cloud is not None and lookups:
            reasons.insert(0, cloud.reason)

    sources = list(_SOURCES_BEFORE_KEYRING)
    kinds = {lookup.kind for lookup in lookups}
    if KeyringKind.NATIVE in kinds:
        sources.append(CredentialSource.NATIVE_KEYRING)
    if KeyringKind.SUBPROCESS in kinds:
        sources.append(CredentialSource.SUBPROCESS_KEYRING)

    configured = matched is not None and matched is not PYPI_INDEX
    store = _store(provider, native_auth, index, configured, skip, lookups, reasons)
    return decision(tuple(sources), store, _read_ahead(provider, index, configured, sources))


def _read_ahead(
    provider: KeyringProvider,
    index: IndexSettings | None,
    configured: bool,
    sources: list[CredentialSource],
) -> str | None:
    """Why the sources are asked before the first request, or None when they are not.

    `native` reads a configured index's keyring entry up front: the lookup is in-process,
    made once per index, and it is where working credentials were stored, so a later run's
    first request already carries them instead of wasting a 401 (uv probes first; it has no
    entry of its own to read). Never for the implicit PyPI default: a public index must not
    cost a keyring read (or an unlock prompt) up front.
    """
    if provider is not KeyringProvider.NATIVE or index is None or not configured:
        return None
    if CredentialSource.NATIVE_KEYRING not in sources:
        return None
    return (
        f"the system keyring is read before the first request: {_label(index)} is "
        "configured and the native provider reads in-process"
    )


def _keyring_lookups(
    provider: KeyringProvider,
    native_auth: bool,
    realm: Realm,
    url: str,
    index: IndexSettings | None,
    index_url: str | None,
    authenticate: AuthPolicy,
    username: str | None,
    lookups: list[KeyringLookup],
    reasons: list[str],
) -> None:
    """The keyring questions for this provider, in order."""
    if provider is KeyringProvider.NATIVE:
        if index_url is not None:
            lookups.append(
                KeyringLookup(KeyringKind.NATIVE, f"{STORE_PREFIX}{index_url}", username)
            )
        else:
            reasons.append(
                "the URL belongs to no configured index: only uv's host-level keyring entry is read"
            )
        lookups.append(
            KeyringLookup(KeyringKind.NATIVE, UV_PREFIX + native_target(realm), username)
        )
        return

    # uv reads its own native store under `native-auth` whatever the provider, but only for
    # a known username (`fetch_native` returns nothing without one).
    if native_auth:
        if username:
            base = root_url(index_url) if index_url is not None else url
            lookups.extend(
                KeyringLookup(KeyringKind.NATIVE, UV_PREFIX + service, username)
                for service in service_names(base, realm)
            )
            reasons.append(
                f"uv's native store (`{UV_PREFIX}` entries) is read: preview "
                f"feature `{NATIVE_AUTH}` is enabled"
            )
        else:
            reasons.append(
                f"uv's native store is not read without a username, as uv does "
                f"(preview feature `{NATIVE_AUTH}` is enabled)"
            )
    elif provider is KeyringProvider.DISABLED:
        reasons.append('the keyring is not read: `keyring-provider` is "disabled"')

    if provider is not KeyringProvider.SUBPROCESS:
        return
    service_url = index_url if index_url is not None else url
    if username:
        lookups.extend(
            KeyringLookup(KeyringKind.SUBPROCESS, service, username)
            for service in service_names(service_url, realm)
        )
        if index_url is None:
            reasons.append(
                "the URL belongs to no configured index: the `keyring` command is "
                "asked for the URL itself"
            )
    elif index is not None and authenticate is AuthPolicy.ALWAYS:
        lookups.extend(
            KeyringLookup(KeyringKind.SUBPROCESS, service, None, creds_mode=True)
            for service in service_names(service_url, realm)
        )
        reasons.append(
            "the `keyring` command is asked for a username and password "
            f'(`--mode creds`): {_label(index)} has `authenticate = "always"` '
            "and no username is known"
        )
    else:
        reasons.append(
            "the `keyring` command is not run without a username; use "
            '`authenticate = "always"` on the index to force it'
        )


def _store(
    provider: KeyringProvider,
    native_auth: bool,
    index: IndexSettings | None,
    configured: bool,
    skip: bool,
    lookups: list[KeyringLookup],
    reasons: list[str],
) -> bool:
    """The part known before the request: may working credentials be stored?"""
    if skip:
        return False  # already explained by the `skip` reason
    if provider is not KeyringProvider.NATIVE:
        if lookups:
            reasons.append(
                'credentials are not stored: only `keyring-provider = "native"` stores them'
            )
        return False
    if not native_auth:
        reasons.append(
            f"credentials are not stored: preview feature `{NATIVE_AUTH}` is not enabled"
        )
        return False
    if index is None:
        reasons.append("credentials are not stored: the URL belongs to no configured index")
        return False
    if not configured:
        reasons.append(
            "credentials are not stored: the implicit PyPI default is not a configured index"
        )
        return False
    if index.keyring is IndexKeyring.READ:
        reasons.append(f'credentials are not stored: {_label(index)} has `keyring = "read"`')
        return False
    reasons.append(
        f"credentials that work are stored in the keyring: provider `native` "
        f"with preview feature `{NATIVE_AUTH}`, {_label(index)} has "
        f'`keyring = "{index.keyring.value}"`'
    )
    return True


__all__ = [
    "PREVIEW_GATE_WARNING",
    "STORABLE_SOURCES",
    "Decision",
    "KeyringKind",
    "KeyringLookup",
    "decide",
    "native_target",
    "service_names",
]
