"""Where credentials come from: the closed vocabulary shared by the decision and the lookups.

A credentials value records its provenance when it is found (`CredentialSource`, the scope it
was given or found for, and whether it is exactly what the configuration gave an index);
nothing downstream re-derives it from a header or a URL. The store rule reads it.
"""

from __future__ import annotations

from typing import Protocol

from policy._compat import StrEnum


class CredentialSource(StrEnum):
    """Where credentials came from; the values are the names `explain` prints, in uv's order.

    `location` and `link` are never asked: they name credentials the network chose (userinfo
    in a redirect's `Location`, or in a link of a page) and are never stored.
    """

    URL = "url"
    ENV = "env"
    CACHE = "cache"
    NETRC = "netrc"
    CREDENTIALS_FILE = "credentials-file"
    NATIVE_KEYRING = "native-keyring"
    SUBPROCESS_KEYRING = "subprocess-keyring"
    LOCATION = "location"
    LINK = "link"


NETWORK_SOURCES = frozenset({CredentialSource.LOCATION, CredentialSource.LINK})
"""Credentials the network chose: sent where they point, never stored."""


class Provenanced(Protocol):
    """What the store rule reads of a credentials value (`policy.credentials.values`)."""

    @property
    def username(self) -> str | None: ...
    @property
    def source(self) -> CredentialSource: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def configured(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
