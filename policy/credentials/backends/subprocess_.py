"""The `keyring` command, called exactly as uv calls it (uv's `keyring-provider = "subprocess"`).

    keyring get <service> <username>        stdout: the password (trailing whitespace trimmed)
    keyring get <service> --mode creds      stdout: username, then password, one per line

stdin is empty, a non-zero exit is a miss. Unlike uv, stderr is captured (not streamed) so that
a traceback, which the command prints for any backend exception and also exits 1 for, is told
apart from a plain "not found" and reported once as an unavailable backend.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
from collections.abc import Mapping

from policy.credentials.backends.base import KeyringBackend, LookupResult, Password, reveal
from policy.credentials.values import Credentials
from policy.env import DEFAULT_KEYRING_TIMEOUT
from policy.errors import KeyringUnavailable
from policy.provenance import CredentialSource
from policy.redact import MASK, redact_text

log = logging.getLogger("policy.credentials.backends.subprocess")

MODE_UNSUPPORTED_WARNING = (
    "Attempted to fetch credentials using the `keyring` command, but it does not support "
    "`--mode creds`; upgrade to `keyring>=v25.2.1` or provide a username"
)
OPTION_LIKE_WARNING = (
    "The `keyring` command was not run: a service name or username begins with `-` and "
    "would be read as an option (such a name usually comes from a link or redirect chosen "
    "by the server)"
)
_DETAIL_LIMIT = 300


def _option_like(*args: str | None) -> bool:
    """A service name or username the command would read as an option (`--disable`...)."""
    return any(arg is not None and arg.startswith("-") for arg in args)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last if len(last) <= _DETAIL_LIMIT else last[:_DETAIL_LIMIT] + "..."


class SubprocessKeyring(KeyringBackend):
    """The `keyring` executable found on `PATH` of `env`, each call bounded by `timeout`."""

    name = "subprocess"

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_KEYRING_TIMEOUT,
        command: str = "keyring",
    ) -> None:
        self._env = dict(os.environ if env is None else env)
        self._timeout = timeout
        self._command = command
        self._executable: str | None = None
        self._missing_logged = False
        self._mode_warned = False
        self._option_warned = False
        self._dead: str | None = None  # set after a timeout: the command hangs, stop asking

    def _resolve(self) -> str | None:
        if self._executable is None:
            self._executable = shutil.which(self._command, path=self._env.get("PATH", os.defpath))
        return self._executable

    def _run(
        self, argv: list[str], stdin: bytes | None, service: str
    ) -> tuple[int, bytes, bytes] | LookupResult:
        """Run the command; a result instead of the output when it could not run or timed out."""
        if self._dead is not None:
            return LookupResult.unavailable(self.name, service, self._dead)
        executable = self._resolve()
        if executable is None:
            if not self._missing_logged:
                self._missing_logged = True
                log.debug("Failure running `%s` command: not found on PATH", self._command)
            return LookupResult.not_found(self.name, service, f"`{self._command}` is not on PATH")
        try:
            process = subprocess.Popen(
                [executable, *argv],
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env,
                start_new_session=True,  # so a timeout can end the command and its children
            )
        except OSError as error:
            if not self._missing_logged:
                self._missing_logged = True
                log.debug("Failure running `%s` command: %s", self._command, error.strerror)
            return LookupResult.not_found(self.name, service, f"`{self._command}` could not run")
        try:
            stdout, stderr = process.communicate(stdin, timeout=self._timeout)
        except subprocess.TimeoutExpired:
            self._kill(process)
            self._dead = (
                f"the `{self._command}` command did not answer within {self._timeout:g} s and "
                "was stopped"
            )
            return LookupResult.unavailable(self.name, service, self._dead)
        return process.returncode, stdout, stderr

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a grandchild keeps a pipe open; stop waiting
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()

    def _refuse(self, service: str) -> LookupResult:
        if not self._option_warned:
            self._option_warned = True
            log.warning(OPTION_LIKE_WARNING)
        return LookupResult.not_found(self.name, service, "a name begins with `-`")

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        if _option_like(service, username):
            return self._refuse(service)
        if username is not None:
            argv = ["get", service, username]
        elif creds_mode:
            argv = ["get", service, "--mode", "creds"]
        else:
            # uv never runs the command without a username outside `--mode creds`.
            return LookupResult.not_found(self.name, service, "no username to ask for")
        ran = self._run(argv, None, service)
        if isinstance(ran, LookupResult):
            return ran
        code, stdout, stderr = ran
        if code != 0:
            return self._failure(service, stderr)
        try:
            text = stdout.decode("utf-8")
        except UnicodeDecodeError:
            return LookupResult.unavailable(
                self.name,
                service,
                f"the `{self._command}` command printed output that is not UTF-8",
            )
        if username is not None:
            password = text.rstrip()
            if not password:
                log.debug("Got empty password for `%s@%s` from `keyring` command", MASK, service)
            return LookupResult.found(
                self.name,
                service,
                Credentials.basic(username, password, CredentialSource.SUBPROCESS_KEYRING),
            )
        lines = [line.rstrip("\r") for line in text.split("\n")]
        lines = lines[:-1] if lines and lines[-1] == "" else lines
        if not lines:
            return LookupResult.not_found(self.name, service)
        if len(lines) < 2:
            return LookupResult.unavailable(
                self.name,
                service,
                f"the `{self._command}` command printed a username without a password for "
                "`--mode creds`",
            )
        return LookupResult.found(
            self.name,
            service,
            Credentials.basic(lines[0], lines[1], CredentialSource.SUBPROCESS_KEYRING),
        )

    def _failure(self, service: str, stderr: bytes) -> LookupResult:
        text = stderr.decode("utf-8", errors="replace")
        if "unrecognized arguments: --mode" in text:
            if not self._mode_warned:
                self._mode_warned = True
                log.warning(MODE_UNSUPPORTED_WARNING)
            return LookupResult.not_found(self.name, service, "`--mode creds` is not supported")
        if "Traceback" in text or "Error" in text:
            return LookupResult.unavailable(
                self.name, service, f"the `{self._command}` command failed: {_last_line(text)}"
            )
        return LookupResult.not_found(self.name, service)

    def set(self, service: str, username: str, password: Password) -> None:
        # `keyring set` reads the password from stdin when stdin is not a terminal; never argv.
        if _option_like(service, username):
            raise KeyringUnavailable(OPTION_LIKE_WARNING)
        secret = reveal(password)
        ran = self._run(["set", service, username], secret.encode("utf-8") + b"\n", service)
        if isinstance(ran, LookupResult):
            raise KeyringUnavailable(ran.detail)
        code, _, stderr = ran
        if code != 0:
            detail = redact_text(_last_line(stderr.decode("utf-8", errors="replace")), [secret])
            raise KeyringUnavailable(f"`{self._command} set` failed: {detail}")

    def delete(self, service: str, username: str) -> bool:
        if _option_like(service, username) or self.get(service, username).credentials is None:
            return False
        ran = self._run(["del", service, username], None, service)
        if isinstance(ran, LookupResult):
            raise KeyringUnavailable(ran.detail)
        return ran[0] == 0
