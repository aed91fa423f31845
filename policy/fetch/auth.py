"""`PolicyAuth`: an `httpx.Auth` that carries the policy's decision out around real requests.

The request logic is `policy.fetch.flow`: an I/O-free generator of steps. `sync_auth_flow`
and `async_auth_flow` are the httpx drivers that perform them: they send the requests, ask
the credential sources, store and wait; the async one runs the blocking lookups and stores
in a worker thread, so the event loop never blocks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator, Generator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from policy.credentials.values import Credentials
from policy.errors import PolicyError
from policy.fetch.flow import (
    MAX_REDIRECTS,
    PROBE_WAIT,
    RETRY_STATUSES,
    DecideFn,
    Flow,
    Lookup,
    RequestFlow,
    Step,
    Store,
    Wait,
    redirect_request,
    request_credentials,
    same_origin,
)
from policy.fetch.http_errors import as_http_error
from policy.fetch.limits import abandon, request_seconds
from policy.settings.models import Settings

if TYPE_CHECKING:
    from policy.credentials.lookup import CredentialSources

log = logging.getLogger("policy.fetch.auth")


class PolicyAuth(RequestFlow, httpx.Auth):
    """Authenticate every request as `settings` and the policy say (sync and async clients).

    `env` defaults to `os.environ` (read once, here); `sources` to `CredentialSources` built
    from it. `stored` lists `{"service", "username"}` of what was stored in this process.
    """

    # A retry or a redirect re-sends the request, so its body must be replayable (GETs have
    # none). httpx's own drivers honour this flag; ours override them, so they read it too.
    requires_request_body = True

    def __init__(
        self,
        settings: Settings,
        *,
        env: Mapping[str, str] | None = None,
        sources: CredentialSources | None = None,
        follow_redirects: bool = True,
        decide: DecideFn | None = None,
    ) -> None:
        super().__init__(settings, env=env, follow_redirects=follow_redirects, decide=decide)
        if sources is None:
            from policy.credentials.lookup import CredentialSources

            sources = CredentialSources(env=self._env)
        self._sources = sources
        self._request_seconds = request_seconds(self._env)

    # ------------------------------------------------------------------ the I/O drivers

    def keyring_command_found(self) -> bool:
        """Whether the `keyring` command is on this environment's PATH, as the provider looks."""
        import shutil

        return shutil.which("keyring", path=self._env.get("PATH", os.defpath)) is not None

    def _find(self, step: Lookup) -> Credentials | None:
        return self._sources.find(step.decision, step.username)

    def _store(self, step: Store) -> None:
        credentials = step.credentials
        try:
            if self._sources.keyring_holds(step.decision, credentials):
                log.info(
                    "Not stored: the keyring already holds these credentials for %s",
                    step.decision.store_service,
                )
                return
            service = self._sources.store(step.decision, credentials)
        except PolicyError as error:
            log.warning("credentials were not stored: %s", error)
            return
        if service is not None and credentials.username is not None:
            with self._store_lock:
                self.stored.append(
                    {
                        "service": service,
                        "username": credentials.username,
                        "backend": self._sources.stored_in or "unknown",
                    }
                )

    def perform_sync(self, step: Lookup | Store | Wait) -> Credentials | None:
        """Carry out one step in the calling thread (the sync drivers, httpx and requests)."""
        if isinstance(step, Lookup):
            return self.lookups.run(step.key, lambda: self._find(step))
        if isinstance(step, Wait):
            self.probes.wait(step.flight, PROBE_WAIT)
            return None
        self._store(step)
        return None

    async def _perform_async(self, step: Lookup | Store | Wait) -> Credentials | None:
        import asyncio

        if isinstance(step, Lookup):
            return await self.lookups.run_async(step.key, lambda: self._find(step))
        if isinstance(step, Wait):
            await self.probes.wait_async(step.flight, PROBE_WAIT)
            return None
        await asyncio.to_thread(self._store, step)
        return None

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self.requires_request_body:
            request.read()
        flow = self.flow(request)
        result: Any = None
        answered: httpx.Response | None = None
        try:
            while True:
                try:
                    step = flow.send(result)
                except StopIteration:
                    return
                except PolicyError as error:
                    raise as_http_error(error, request) from None
                if isinstance(step, httpx.Request):
                    if answered is not None:
                        abandon(answered, self._request_seconds)  # httpx reads it next
                    result = answered = yield step
                else:
                    result = self.perform_sync(step)
        finally:
            flow.close()  # an abandoned exchange still releases its realm's probe

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.requires_request_body:
            await request.aread()
        flow = self.flow(request)
        result: Any = None
        answered: httpx.Response | None = None
        try:
            while True:
                try:
                    step = flow.send(result)
                except StopIteration:
                    return
                except PolicyError as error:
                    raise as_http_error(error, request) from None
                if isinstance(step, httpx.Request):
                    if answered is not None:
                        abandon(answered, self._request_seconds)  # httpx reads it next
                    result = answered = yield step
                else:
                    result = await self._perform_async(step)
        finally:
            flow.close()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """httpx's plain interface: as `sync_auth_flow` (lookups block the caller)."""
        return self.sync_auth_flow(request)


__all__ = [
    "MAX_REDIRECTS",
    "PROBE_WAIT",
    "RETRY_STATUSES",
    "DecideFn",
    "Flow",
    "Lookup",
    "PolicyAuth",
    "Step",
    "Store",
    "Wait",
    "redirect_request",
    "request_credentials",
    "same_origin",
]
