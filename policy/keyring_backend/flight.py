"""Single flight: concurrent callers asking the same question share one call in flight."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Call(Generic[T]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None


class SingleFlight(Generic[T]):
    """`run(key, call)`: the first caller runs `call`; callers arriving meanwhile get its result.

    Nothing is kept once the call returns: remembering answers is the negative cache's job, and
    a password must not outlive the call that fetched it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[Hashable, _Call[T]] = {}

    def run(self, key: Hashable, call: Callable[[], T]) -> T:
        with self._lock:
            current = self._calls.get(key)
            leader = current is None
            if current is None:
                current = self._calls[key] = _Call()
        if not leader:
            # The leader's call is itself under the keyring deadline, so this wait ends.
            current.done.wait()
            if current.error is not None:
                raise current.error
            return current.value  # type: ignore[return-value]  # set by the leader
        try:
            current.value = call()
            return current.value
        except BaseException as error:
            current.error = error
            raise
        finally:
            with self._lock:
                del self._calls[key]
            current.done.set()


__all__ = ["SingleFlight"]
