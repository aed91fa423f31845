"""The deadline every keyring call runs under, and how long it is.

Kept on the bottom floor, beside `env` and `errors`, because two very different callers need
it: the library's keyring backends and the opt-in keyring plugin, which `keyring` imports in
every program that uses it and which may therefore import nothing heavier than this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from policy.env import DEFAULT_KEYRING_TIMEOUT, KEYRING_POLICY_TIMEOUT, parse_seconds
from policy.errors import KeyringUnavailable

T = TypeVar("T")


def keyring_timeout(env: Mapping[str, str]) -> float | None:
    """The deadline from `KEYRING_POLICY_TIMEOUT` (default 15 s; `0` means no deadline)."""
    value = parse_seconds(env, KEYRING_POLICY_TIMEOUT, DEFAULT_KEYRING_TIMEOUT)
    return None if value == 0 else value


class DeadlineExceeded(KeyringUnavailable):
    """A keyring call did not finish before its deadline."""

    def __init__(self, what: str, timeout: float) -> None:
        super().__init__(f"{what} did not answer within {timeout:g} s")
        self.timeout = timeout


def call_with_deadline(call: Callable[[], T], timeout: float | None, *, what: str) -> T:
    """Run `call` and return its result, or raise `DeadlineExceeded` after `timeout` seconds.

    The call runs in a daemon worker thread: Python cannot cancel a thread, and a keyring stuck
    in D-Bus (a locked collection waiting for a prompt) may never return, so an abandoned worker
    must not keep the process alive at exit. Exceptions of `call` are re-raised here.
    """
    if timeout is None:
        return call()
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def worker() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=worker, name=f"keyring-policy: {what}", daemon=True)
    thread.start()
    if not done.wait(timeout):
        raise DeadlineExceeded(what, timeout)
    if failure:
        raise failure[0]
    return outcome[0]


__all__ = ["DeadlineExceeded", "call_with_deadline", "keyring_timeout"]
