"""A backend that holds nothing and stores nothing: keyring access switched off."""

from __future__ import annotations

from policy.credentials.backends.base import KeyringBackend, LookupResult, Password
from policy.errors import KeyringUnavailable


class NullKeyring(KeyringBackend):
    """Every lookup misses quietly; storing says how to turn a keyring on."""

    name = "null"

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        return LookupResult.not_found(self.name, service, "keyring access is disabled")

    def set(self, service: str, username: str, password: Password) -> None:
        raise KeyringUnavailable(
            'keyring access is disabled; set `keyring-provider = "native"` to store credentials'
        )

    def delete(self, service: str, username: str) -> bool:
        return False
