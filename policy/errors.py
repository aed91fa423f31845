"""The exception tree of keyring-policy.

Every error the library raises on purpose derives from `PolicyError`, and every message says
where (file, line, key, variable, URL) and what to do. No message ever contains a password,
token or Authorization value: URLs go through `policy.redact.redact_url` first.

    PolicyError
     ├── ConfigError            invalid configuration (file, environment variable or flag)
     ├── CredentialsError       the policy requires credentials that are not there
     │    ├── MissingCredentials      `authenticate = "always"` and no source had any
     │    ├── IncompleteCredentials   a username without a password under `always`
     │    └── InvalidCredentials      URL credentials that are not UTF-8 once decoded
     ├── KeyringUnavailable     a keyring backend failed, timed out or is locked (never fatal
     │                          during a fetch: it is reported as a warning and treated as a miss)
     ├── CredentialsFileError   the plaintext credentials file cannot be read or written
     └── FetchError             an index answered with an error status
"""

from __future__ import annotations


class PolicyError(Exception):
    """Base class of every error keyring-policy raises on purpose."""


class ConfigError(PolicyError):
    """Invalid configuration.

    `str(error)` is the complete uv-style message without the leading `error: `, possibly
    spanning several lines (`Failed to parse: ...` then the indented cause). `warnings` are
    the ones loading produced before it failed, which uv prints before the error.
    """

    warnings: tuple[str, ...] = ()


class CredentialsError(PolicyError):
    """The policy requires credentials for a URL that no allowed source could provide."""


class MissingCredentials(CredentialsError):
    """`authenticate = "always"` and no credentials were found (`Missing credentials for URL`)."""


class IncompleteCredentials(CredentialsError):
    """`authenticate = "always"` and only a username was found (`Incomplete credentials`)."""


class InvalidCredentials(CredentialsError):
    """Credentials in a URL that are not valid UTF-8 after percent-decoding (uv refuses them)."""


class KeyringUnavailable(PolicyError):
    """A keyring backend could not answer: timeout, locked collection, no D-Bus, exception."""


class CredentialsFileError(PolicyError):
    """The plaintext credentials file could not be read, parsed or written."""


CredentialStoreError = CredentialsFileError
"""The 0.1.0 name of `CredentialsFileError` ("store" now means writing to the keyring only)."""


class FetchError(PolicyError):
    """An index or file URL answered with an error status; the message names the redacted URL."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.hint = hint
        """What to do about it, when there is something to say (also in the message)."""
