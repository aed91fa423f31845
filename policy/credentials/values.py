"""The Credentials value type: username and password (or a bearer token), a masked `repr`, and
where they came from."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from urllib.parse import unquote_to_bytes, urlsplit

from pydantic import SecretStr

from policy.errors import InvalidCredentials
from policy.provenance import CredentialSource
from policy.redact import redact_url


@dataclass(frozen=True)
class Credentials:
    """A Basic-auth username and password, or a bearer token; neither secret ever prints.

    An empty username is normalised to `None`, as uv's `Username::new` does. A bearer token
    (a `scheme = "bearer"` entry of the credentials file) has no username and no password and
    is sent as `Authorization: Bearer <token>`, as uv sends it.

    Provenance is recorded when the value is found and never re-derived: `source` says what
    gave it, `scope` the index URL (or, outside every index, the realm) it was given or found
    for, and `configured` whether it is exactly what the configuration gave that index (its
    URL's userinfo or `UV_INDEX_<NAME>_*`): the only credentials that may ever be stored.
    """

    username: str | None
    password: SecretStr | None = field(default=None)
    source: CredentialSource = CredentialSource.URL
    token: SecretStr | None = field(default=None)
    scope: str | None = field(default=None, compare=False)
    configured: bool = field(default=False, compare=False)

    @classmethod
    def bearer(cls, token: SecretStr, source: CredentialSource) -> Credentials:
        """A bearer token (no username, no password)."""
        return cls(None, None, source, token)

    def __post_init__(self) -> None:
        if self.username == "":
            object.__setattr__(self, "username", None)

    @classmethod
    def basic(
        cls, username: str | None, password: str | None, source: CredentialSource
    ) -> Credentials:
        """Build credentials from plain strings (the password is wrapped at once)."""
        return cls(username, None if password is None else SecretStr(password), source)

    @classmethod
    def from_url(
        cls, url: str, source: CredentialSource = CredentialSource.URL
    ) -> Credentials | None:
        """Percent-decoded userinfo of `url`, or None when it carries neither part.

        Raises `InvalidCredentials` when a part is not UTF-8 once decoded, as uv does (never
        sent with replacement characters).
        """
        parts = urlsplit(url)
        username = _decode(url, "username", parts.username) if parts.username else None
        password = _decode(url, "password", parts.password)
        if not username and not password:
            return None
        return cls.basic(username, password, source)

    def given(self, scope: str | None, *, configured: bool = False) -> Credentials:
        """The same credentials, recorded as given or found for `scope`."""
        return replace(self, scope=scope, configured=configured)

    @property
    def is_authenticated(self) -> bool:
        """True when a password (an empty one counts, as in uv) or a bearer token is present."""
        return self.password is not None or self.token is not None

    @property
    def password_value(self) -> str | None:
        """The password in clear, for the Authorization header and the keyring only."""
        return None if self.password is None else self.password.get_secret_value()

    @property
    def token_value(self) -> str | None:
        """The bearer token in clear, for the Authorization header only."""
        return None if self.token is None else self.token.get_secret_value()

    def authorization_header(self) -> str:
        """`Basic base64(username:password)`, the colon always present, as uv sends it;
        `Bearer <token>` for a bearer token."""
        if self.token is not None:
            return f"Bearer {self.token.get_secret_value()}"
        raw = f"{self.username or ''}:{self.password_value or ''}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:
        shown = "None" if self.password is None else "'[secure]'"
        token = "" if self.token is None else ", token='[secure]'"
        # A username without a password may be a token: masked too.
        user = "'****'" if self.password is None and self.username else repr(self.username)
        return (
            f"Credentials(username={user}, password={shown}, source={self.source.value!r}{token})"
        )

    __str__ = __repr__


def _decode(url: str, part: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCredentials(
            f"Failed to parse credentials in URL: {redact_url(url)}: URL {part} contains "
            "invalid UTF-8"
        ) from None
