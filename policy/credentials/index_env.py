"""Per-index credentials from `UV_INDEX_<NAME>_USERNAME` / `UV_INDEX_<NAME>_PASSWORD`."""

from __future__ import annotations

from collections.abc import Mapping

from policy.credentials.values import Credentials
from policy.env import index_password_var, index_username_var
from policy.provenance import CredentialSource
from policy.settings.models import IndexSettings


def index_env_credentials(index: IndexSettings, env: Mapping[str, str]) -> Credentials | None:
    """uv's `Credentials::from_env`: credentials when either variable is set, else None.

    Only named indexes have variables. A set-but-empty password stays an empty password (the
    request then carries `user:`), as in uv; an empty username is no username.
    """
    if not index.name:
        return None
    username = env.get(index_username_var(index.name))
    password = env.get(index_password_var(index.name))
    if username is None and password is None:
        return None
    return Credentials.basic(username, password, CredentialSource.ENV)
