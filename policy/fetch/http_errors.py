"""Our errors, raised through an httpx client, are httpx errors too.

An installer that embeds `PolicyAuth` typically wraps its requests in
`try: ... except httpx.HTTPError`. `MissingCredentials` and the other `PolicyError`s raised
from inside the auth flow are re-raised as instances of a subclass of both the original class
and `httpx.RequestError` (the request never got a usable answer), so either `except` catches
them and `error.request` is the request that failed.
"""

from __future__ import annotations

from typing import cast

import httpx

from policy.errors import PolicyError

_CLASSES: dict[type[PolicyError], type[PolicyError]] = {}


def _http_class(cls: type[PolicyError]) -> type[PolicyError]:
    """One twin class per error class (a race only builds an equal class twice)."""
    twin = _CLASSES.get(cls)
    if twin is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        namespace["__doc__"] = cls.__doc__ or ""
        created = type(cls.__name__, (cls, httpx.RequestError), namespace)
        twin = _CLASSES.setdefault(cls, cast("type[PolicyError]", created))
    return twin


def as_http_error(error: PolicyError, request: httpx.Request) -> PolicyError:
    """`error` as an `httpx.RequestError` too, with the same message, attributes and request."""
    if isinstance(error, httpx.HTTPError):
        return error
    cls = _http_class(type(error))
    twin: PolicyError = cls.__new__(cls)
    twin.args = error.args
    twin.__dict__.update(error.__dict__)
    cast("httpx.RequestError", twin).request = request
    return twin.with_traceback(error.__traceback__)
