"""The blocking credential lookups of one process: netrc, credentials file, keyrings.

`CredentialSources.find(decision, username)` consults the sources a `Decision` allows, in its
order, and returns the first credentials found. It never raises for a failing source: a broken
netrc or credentials file, or a keyring that is unavailable (no backend, locked, no D-Bus,
timeout, garbage output), is a miss plus one warning per source per instance that names the
fix. Single flight and caching across requests are the fetcher's job (`policy.fetch.cache`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol

from policy.credentials.backends.base import KeyringBackend, LookupStatus, keyring_timeout
from policy.credentials.backends.safety import PLAINTEXT_FIX, BackendSafety, plaintext_allowed
from policy.credentials.credentials_file import CredentialsFile
from policy.credentials.netrc_file import NetrcSource
from policy.credentials.values import Credentials
from policy.errors import CredentialsFileError, KeyringUnavailable
from policy.provenance import CredentialSource, Provenanced
from policy.redact import MASK, redact_url
from policy.settings.models import IndexSettings

log = logging.getLogger("policy.credentials.lookup")

_DISABLE_HINT = (
    'to stop using it, set `keyring-provider = "disabled"`, or `keyring = "skip"` on the '
    "index; to wait longer, raise `KEYRING_POLICY_TIMEOUT`"
)
_LABELS = {"native": "the system keyring", "subprocess": "the `keyring` command"}


class KeyringLookupLike(Protocol):
    """The fields of `policy.decision.KeyringLookup` used here."""

    @property
    def kind(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def username(self) -> str | None: ...
    @property
    def creds_mode(self) -> bool: ...


class DecisionLike(Protocol):
    """The fields of `policy.decision.Decision` used here."""

    @property
    def url(self) -> str: ...
    @property
    def sources(self) -> tuple[CredentialSource, ...]: ...
    @property
    def keyring_lookups(self) -> Sequence[KeyringLookupLike]: ...
    @property
    def store_service(self) -> str | None: ...
    @property
    def index(self) -> IndexSettings | None: ...
    def may_store(self, credentials: Provenanced, *, redirected: bool = False) -> bool: ...


class CredentialSources:
    """netrc, the credentials file and the keyring backends of one environment."""

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        native: KeyringBackend | None = None,
        subprocess: KeyringBackend | None = None,
        timeout: float | None = None,
        store: CredentialsFile | None = None,
    ) -> None:
        """`timeout` None reads `KEYRING_POLICY_TIMEOUT` from `env` (0: no deadline).

        Backends not given are created on first use: `NativeKeyring` (the `keyring` library)
        and `SubprocessKeyring` (the `keyring` command on `env`'s PATH).
        """
        self._env = env
        if timeout is None:
            self._timeout = keyring_timeout(env)
        else:
            self._timeout = None if timeout == 0 else timeout
        self._backends: dict[str, KeyringBackend | None] = {
            "native": native,
            "subprocess": subprocess,
        }
        self._netrc = NetrcSource(env)
        self._store = store
        self._store_broken = False
        self._warned: set[str] = set()
        self.stored_in: str | None = None
        """`module.Class` of the backend the last store went to (for the fetch's report)."""
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ parts

    def backend(self, kind: str) -> KeyringBackend:
        """The backend for a lookup kind (`native` or `subprocess`), created on first use."""
        with self._lock:
            backend = self._backends.get(kind)
            if backend is None:
                if kind == "native":
                    from policy.credentials.backends.native import NativeKeyring

                    backend = NativeKeyring(timeout=self._timeout)
                else:
                    from policy.credentials.backends.subprocess_ import SubprocessKeyring

                    backend = SubprocessKeyring(env=self._env, timeout=self._timeout)
                self._backends[kind] = backend
            return backend

    @property
    def credentials_file(self) -> CredentialsFile:
        """The plaintext store of this environment."""
        if self._store is None:
            self._store = CredentialsFile.from_env(self._env)
        return self._store

    def _warn_once(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        log.warning("%s", message)

    # ------------------------------------------------------------------ sources

    def _from_credentials_file(self, url: str, username: str | None) -> Credentials | None:
        if self._store_broken:
            return None
        store = self.credentials_file
        try:
            found = store.get(url, username)
        except CredentialsFileError as error:
            if str(error).startswith("Multiple credentials found"):
                log.debug("Failed to get credentials from the credentials file: %s", error)
                return None
            self._store_broken = True
            self._warn_once(
                "credentials-file", f"Failed to load credentials from {store.path}: {error}"
            )
            return None
        if found is not None:
            log.debug("Found credentials in the credentials file for %s", redact_url(url))
        return found

    def _from_keyring(
        self, decision: DecisionLike, kind: str, username: str | None
    ) -> Credentials | None:
        for lookup in decision.keyring_lookups:
            if str(lookup.kind) != kind:
                continue
            user = lookup.username if lookup.username is not None else username
            backend = self.backend(kind)
            # The username may be a token (nothing proves otherwise yet): masked.
            shown = f"{MASK}@{lookup.service}" if user else lookup.service
            log.debug(
                "Checking %s for credentials for %s", _LABELS.get(kind, kind), redact_url(shown)
            )
            result = backend.get(lookup.service, user, creds_mode=lookup.creds_mode and not user)
            # -v (INFO) tells a hit, a plain miss and an unavailable backend apart.
            if result.status is LookupStatus.FOUND and result.credentials is not None:
                log.info(
                    "Found credentials in %s for %s",
                    _LABELS.get(kind, kind),
                    redact_url(lookup.service),
                )
                return result.credentials
            if result.status is LookupStatus.UNAVAILABLE:
                log.info(
                    "Keyring unavailable: %s could not answer for %s: %s",
                    _LABELS.get(kind, kind),
                    redact_url(lookup.service),
                    result.detail,
                )
                self._warn_once(
                    f"keyring:{kind}",
                    f"Could not read credentials from {_LABELS.get(kind, kind)} for "
                    f"{redact_url(lookup.service)}: {result.detail}; {_DISABLE_HINT}",
                )
                # The backend failed as a whole; its other service names would fail alike.
                return None
            log.info(
                "Not found: no entry in %s for %s%s",
                _LABELS.get(kind, kind),
                redact_url(lookup.service),
                f" ({result.detail})" if result.detail else "",
            )
        return None

    def find(self, decision: DecisionLike, username: str | None = None) -> Credentials | None:
        """The first credentials the decision's sources hold for its URL, or None."""
        url = decision.url
        for source in decision.sources:
            found: Credentials | None = None
            if source is CredentialSource.NETRC:
                log.debug("Checking netrc for credentials for %s", redact_url(url))
                found = self._netrc.get(url, username)
            elif source is CredentialSource.CREDENTIALS_FILE:
                found = self._from_credentials_file(url, username)
            elif source is CredentialSource.NATIVE_KEYRING:
                found = self._from_keyring(decision, "native", username)
            elif source is CredentialSource.SUBPROCESS_KEYRING:
                found = self._from_keyring(decision, "subprocess", username)
            if found is not None:
                return found
        return None

    # ------------------------------------------------------------------ storing

    def keyring_holds(self, decision: DecisionLike, credentials: Credentials) -> bool:
        """Whether the native keyring already holds exactly these credentials for the URL."""
        if credentials.username is None or credentials.password is None:
            return False
        services = [decision.store_service] if decision.store_service else []
        services += [
            lookup.service
            for lookup in decision.keyring_lookups
            if str(lookup.kind) == "native" and lookup.service not in services
        ]
        backend = self.backend("native")
        for service in services:
            result = backend.get(service, credentials.username)
            if result.status is LookupStatus.UNAVAILABLE:
                return False
            held = result.credentials
            if held is not None and held.password_value == credentials.password_value:
                return True
        return False

    def store(self, decision: DecisionLike, credentials: Credentials) -> str | None:
        """Store working credentials in the native keyring; the service, or None if not.

        Only what the decision allows (`Decision.may_store`). A failing keyring is one
        warning, never an error.
        """
        service = decision.store_service
        if service is None or credentials.username is None or credentials.password is None:
            return None
        if not decision.may_store(credentials):
            return None
        backend = self.backend("native")
        try:
            label, safety = backend.where_stored()
            if safety is BackendSafety.PLAINTEXT and not plaintext_allowed(
                decision.index.keyring if decision.index is not None else None, self._env
            ):
                self._warn_once(
                    "store:plaintext",
                    f"Credentials for {redact_url(decision.url)} were not stored: the keyring "
                    f"backend `{label}` keeps passwords in plain or merely encoded text in a "
                    f"file; {PLAINTEXT_FIX}",
                )
                return None
            backend.set(service, credentials.username, credentials.password)
        except KeyringUnavailable as error:
            self._warn_once(
                "store:native",
                f"Could not store credentials for {redact_url(decision.url)} in the system "
                f"keyring: {error}; {_DISABLE_HINT}",
            )
            return None
        self.stored_in = label
        log.info(
            "Stored credentials for %s under `%s` in %s%s",
            credentials.username,
            service,
            label,
            " (plain text, as opted in)" if safety is BackendSafety.PLAINTEXT else "",
        )
        return service
