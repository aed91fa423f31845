"""Where credentials come from: the closed vocabulary shared by the decision and the lookups."""

from __future__ import annotations

from policy._compat import StrEnum


class CredentialSource(StrEnum):
    """Where credentials came from; the values are the names `explain` prints, in uv's order."""

    URL = "url"
    ENV = "env"
    CACHE = "cache"
    NETRC = "netrc"
    CREDENTIALS_FILE = "credentials-file"
    NATIVE_KEYRING = "native-keyring"
    SUBPROCESS_KEYRING = "subprocess-keyring"
