"""The Credentials value type: username and password (or a bearer token), a masked `repr`, and
where they came from."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from policy.provenance import CredentialSource


@dataclass(frozen=True)
class Credentials:
    """A Basic-auth username and password, or a bearer token; neither secret ever prints.

    An empty username is normalised to `None`, as uv's `Username::new` does. A bearer token
    (a `scheme = "bearer"` entry of the credentials file) has no username and no password and
    is sent as `Authorization: Bearer <token>`, as uv sends it.
    """

    username: str | None
    password: SecretStr | None = field(default=None)
    source: CredentialSource = CredentialSource.URL
    token: SecretStr | None = field(default=None)

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
    def from_url(cls, url: str) -> Credentials | None:
        """Percent-decoded userinfo of `url`, or None when it carries neither part."""
        parts = urlsplit(url)
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if not username and not password:
            return None
        return cls.basic(username, password, CredentialSource.URL)

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
        return (
            f"Credentials(username={self.username!r}, password={shown}, "
            f"source={self.source.value!r}{token})"
        )

    __str__ = __repr__
