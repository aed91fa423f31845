"""uv's plaintext credentials store, `credentials.toml` (`uv auth login` without `native-auth`).

    [[credential]]
    service = "https://example.com/"
    username = "alice"
    scheme = "basic"          # optional: "basic" (default) or "bearer"
    password = "..."          # basic; a bearer entry has `token` instead

Location and matching follow uv (`crates/uv-auth/src/store.rs`): `$UV_CREDENTIALS_DIR`, else
`$XDG_DATA_HOME/uv/credentials`, else `~/.local/share/uv/credentials` (uv's legacy macOS and
Windows data directories are not modelled); an exact (service, username) entry first, then the
longest service path that is a segment prefix of the URL in the same realm, a tie between two
usernames being an error. Unlike uv, writes are atomic (temporary file + `os.replace`), the file
is 0600, and every read-modify-write holds `credentials.toml.lock` (`flock`, the lock uv takes
too), so concurrent writers never lose an entry.

The file is only read when it is a regular file of at most `MAX_FILE_BYTES`: it is opened
without blocking and checked with `fstat` before a byte is read, so a FIFO, a device or a
symlink to one is an error naming the file, never a hang or an endless read. A symlinked
file (a dotfiles repository, say) is written through to its target, atomically, so the link
stays a link.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from pydantic import SecretStr

from policy._compat import StrEnum, tomllib
from policy.credentials.values import Credentials
from policy.env import HOME, UV_CREDENTIALS_DIR, XDG_DATA_HOME
from policy.errors import CredentialsFileError
from policy.provenance import CredentialSource
from policy.realm import Realm, is_path_prefix, normalize_url
from policy.redact import redact_url

log = logging.getLogger("policy.credentials.credentials_file")

FILE_NAME = "credentials.toml"
LOCK_TIMEOUT = 60.0
MAX_FILE_BYTES = 1 << 20
"""The largest credentials file read (1 MiB holds thousands of entries)."""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
_HOST_CHARS = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=%:\[\]\x80-\U0010ffff-]+$")


def credentials_dir(env: Mapping[str, str]) -> Path:
    """The directory of `credentials.toml`, as `uv auth dir` prints it."""
    explicit = env.get(UV_CREDENTIALS_DIR)
    if explicit:
        return Path(explicit)
    data_home = env.get(XDG_DATA_HOME)
    if data_home and Path(data_home).is_absolute():
        return Path(data_home) / "uv" / "credentials"
    home = env.get(HOME)
    if home:
        return Path(home) / ".local" / "share" / "uv" / "credentials"
    return Path(".uv") / "credentials"


# --------------------------------------------------------------------------- service URLs


@dataclass(frozen=True)
class ServiceUrl:
    """A `<SERVICE>` as uv parses it: `https` (or `http` on localhost), credentials split off."""

    url: str  # normalised, without credentials
    username: str | None
    password: SecretStr | None

    @classmethod
    def parse(cls, raw: str) -> ServiceUrl:
        """Parse like uv's `Service::from_str`; raises `ValueError` with uv's reason."""
        text = raw.strip()
        if not _SCHEME.match(text):
            text = "https://" + text
        scheme = urlsplit(text).scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"Unsupported scheme: {scheme}")
        parts = _split(text)
        host = parts.hostname or ""
        if scheme == "http" and host not in _LOCAL_HOSTS:
            raise ValueError("HTTPS is required for non-local hosts")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        # uv's `Service` drops the fragment; the rest is the one URL normalisation.
        url = normalize_url(text, fragment=False)
        return cls(url, username, None if password is None else SecretStr(password))


def _split(url: str) -> SplitResult:
    """`urlsplit`, rejecting what uv's parser rejects: no host, bad host characters or port."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("empty host")
    if not _HOST_CHARS.match(host):
        raise ValueError("invalid international domain name")
    _ = parts.port  # raises ValueError("Port could not be cast ...") on a bad port
    return parts


# --------------------------------------------------------------------------- entries


class AuthScheme(StrEnum):
    """`scheme` of an entry (uv's lower-case spelling)."""

    BASIC = "basic"
    BEARER = "bearer"


@dataclass(frozen=True)
class StoredCredential:
    """One `[[credential]]` table."""

    service: str
    username: str | None
    scheme: AuthScheme = AuthScheme.BASIC
    password: SecretStr | None = None
    token: SecretStr | None = None

    @classmethod
    def from_table(cls, table: object, number: int) -> StoredCredential:
        """Validate one table with uv's rules; errors name the entry, never a value."""
        if not isinstance(table, dict):
            raise ValueError(f"credential {number}: expected a table")
        allowed = {"service", "username", "scheme", "password", "token"}
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise ValueError(f"credential {number}: unknown field `{unknown[0]}`")
        for key in allowed & set(table):
            if not isinstance(table[key], str):
                raise ValueError(f"credential {number}: `{key}` must be a string")
        if "service" not in table:
            raise ValueError(f"credential {number}: missing field `service`")
        try:
            service = ServiceUrl.parse(table["service"]).url
        except ValueError as error:
            raise ValueError(f"credential {number}: invalid `service`: {error}") from None
        try:
            scheme = AuthScheme(table.get("scheme", "basic"))
        except ValueError:
            raise ValueError(
                f"credential {number}: unknown variant, expected `basic` or `bearer`"
            ) from None
        username = table.get("username") or None
        if scheme is AuthScheme.BASIC:
            if username is None:
                raise ValueError("`username` is required with `scheme = basic`")
            if "token" in table:
                raise ValueError("`token` cannot be provided with `scheme = basic`")
            password = table.get("password")
            return cls(service, username, scheme, None if password is None else SecretStr(password))
        if "token" not in table:
            raise ValueError("`token` is required with `scheme = bearer`")
        if "username" in table:
            raise ValueError("`username` cannot be provided with `scheme = bearer`")
        if "password" in table:
            raise ValueError("`password` cannot be provided with `scheme = bearer`")
        return cls(service, None, scheme, token=SecretStr(table["token"]))

    def to_toml(self) -> str:
        lines = ["[[credential]]", f"service = {_toml_string(self.service)}"]
        if self.username is not None:
            lines.append(f"username = {_toml_string(self.username)}")
        lines.append(f"scheme = {_toml_string(self.scheme.value)}")
        if self.password is not None:
            lines.append(f"password = {_toml_string(self.password.get_secret_value())}")
        if self.token is not None:
            lines.append(f"token = {_toml_string(self.token.get_secret_value())}")
        return "\n".join(lines) + "\n"

    def credentials(self) -> Credentials:
        if self.scheme is AuthScheme.BEARER and self.token is not None:
            return Credentials.bearer(self.token, CredentialSource.CREDENTIALS_FILE)
        return Credentials(self.username, self.password, CredentialSource.CREDENTIALS_FILE)

    def __repr__(self) -> str:
        return (
            f"StoredCredential(service={self.service!r}, username={self.username!r}, "
            f"scheme={self.scheme.value!r})"
        )


def _toml_string(value: str) -> str:
    """A TOML basic string (written by hand: no TOML writer is a dependency)."""
    out = ['"']
    for char in value:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def parse_entries(text: str, path: Path) -> list[StoredCredential]:
    """The entries of a `credentials.toml` text; `CredentialsFileError` naming the file."""
    try:
        data = tomllib.loads(text)
        raw = data.get("credential", [])
        if not isinstance(raw, list):
            raise ValueError("`credential` must be an array of tables")
        return [StoredCredential.from_table(table, n) for n, table in enumerate(raw, 1)]
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise CredentialsFileError(
            f"Failed to parse TOML credential file `{path}`: {error}"
        ) from None


def render_entries(entries: list[StoredCredential]) -> str:
    """The file text uv's `to_string_pretty` would write for these entries."""
    if not entries:
        return "credential = []\n"
    return "\n".join(entry.to_toml() for entry in entries)


# --------------------------------------------------------------------------- reading safely


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; None if absent.

    Opened with `O_NONBLOCK` and checked with `fstat` before reading, so a FIFO (which would
    block until a writer comes), a device (`/dev/zero` never ends) or a symlink to either is a
    `CredentialsFileError` naming the file, never a hang.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CredentialsFileError(
            f"Failed to read credentials file `{path}`: {error.strerror or type(error).__name__}"
        ) from None
    try:
        info = os.fstat(descriptor)
        through = (
            f" (through the symlink to `{os.path.realpath(path)}`)" if path.is_symlink() else ""
        )
        if not stat.S_ISREG(info.st_mode):
            raise CredentialsFileError(
                f"The credentials file `{path}` is {_kind(info.st_mode)}{through}, not a regular "
                "file; replace it with a regular file or point `UV_CREDENTIALS_DIR` elsewhere"
            )
        if info.st_size > limit:
            raise CredentialsFileError(
                f"The credentials file `{path}`{through} is {info.st_size} bytes, more than the "
                f"{limit} bytes a credentials file may have; is it the right file?"
            )
        # Read one byte past the limit, so a file that grows while being read is caught too.
        data = os.read(descriptor, limit + 1)
        while len(data) <= limit:
            more = os.read(descriptor, limit + 1 - len(data))
            if not more:
                break
            data += more
        if len(data) > limit:
            raise CredentialsFileError(
                f"The credentials file `{path}` grew past {limit} bytes while being read"
            )
        return data
    except OSError as error:
        raise CredentialsFileError(
            f"Failed to read credentials file `{path}`: {error.strerror or type(error).__name__}"
        ) from None
    finally:
        os.close(descriptor)


# --------------------------------------------------------------------------- the store


class CredentialsFile:
    """`credentials.toml` in one directory; lookups load it once per instance."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / FILE_NAME
        self.lock_path = directory / (FILE_NAME + ".lock")
        self._cache: list[StoredCredential] | None = None
        self._cache_lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CredentialsFile:
        """The store uv would use in this environment."""
        return cls(credentials_dir(env))

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise CredentialsFileError(
                f"Cannot use the credentials directory `{self.directory}` "
                f"({error.strerror or type(error).__name__}); point `UV_CREDENTIALS_DIR` at a "
                "writable directory"
            ) from None
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CredentialsFileError(
                            f"Timed out after {LOCK_TIMEOUT:g} s waiting for the lock "
                            f"`{self.lock_path}` held by another process"
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(descriptor)  # closing releases the flock

    def _read(self) -> list[StoredCredential]:
        data = read_regular_file(self.path, MAX_FILE_BYTES)
        if data is None:
            log.debug("No credentials file found at %s", self.path)
            return []
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CredentialsFileError(
                f"Failed to read credentials file `{self.path}`: not UTF-8 text"
            ) from None
        return parse_entries(text, self.path)

    def _write(self, entries: list[StoredCredential]) -> None:
        # Through a symlink to its target: replacing the link itself would silently cut it.
        target = Path(os.path.realpath(self.path))
        try:
            descriptor, temporary = tempfile.mkstemp(
                dir=target.parent, prefix=".credentials-", suffix=".tmp"
            )
        except OSError as error:
            raise CredentialsFileError(
                f"Cannot write the credentials file `{self.path}` (to `{target}`): "
                f"{error.strerror or type(error).__name__}"
            ) from None
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(render_entries(entries))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self) -> list[StoredCredential]:
        """All entries, read fresh under the lock."""
        if not self.path.exists() and not self.path.is_symlink():
            return []
        with self._locked(exclusive=False):
            return self._read()

    def entries(self) -> list[StoredCredential]:
        """All entries, read on first use and kept for the life of this instance."""
        with self._cache_lock:
            if self._cache is None:
                self._cache = self.load()
            return self._cache

    def get(self, url: str, username: str | None = None) -> Credentials | None:
        """uv's `get_credentials`: exact entry, then the longest matching prefix in the realm.

        Raises `CredentialsFileError` for a broken file or for two usernames matching equally
        well without a username to choose (uv's ambiguity error). A bearer entry has no
        username, so it answers only a lookup without one, as in uv.
        """
        entries = self.entries()
        try:
            exact = ServiceUrl.parse(url).url
        except ValueError:
            exact = None
        for entry in entries:
            if entry.service == exact and entry.username == username:
                return entry.credentials()
        try:
            target = _split(url)
        except ValueError:
            return None
        realm, path = Realm.from_parts(target), target.path or "/"
        matches: list[tuple[int, StoredCredential]] = []
        for entry in entries:
            service = urlsplit(entry.service)
            if Realm.from_parts(service) != realm or not is_path_prefix(service.path or "/", path):
                continue
            if username is not None and entry.username != username:
                continue
            matches.append((len(service.path or "/"), entry))
        if not matches:
            return None
        longest = max(length for length, _ in matches)
        best = [entry for length, entry in matches if length == longest]
        if len({entry.username for entry in best}) > 1:
            raise CredentialsFileError(
                f"Multiple credentials found for URL '{redact_url(url)}', specify which "
                "username to use"
            )
        return best[0].credentials()

    def insert(self, service: str, username: str, password: str | SecretStr) -> None:
        """Add or replace the (service, username) entry; atomic, under the lock."""
        secret = password if isinstance(password, SecretStr) else SecretStr(password)
        new = StoredCredential(ServiceUrl.parse(service).url, username, AuthScheme.BASIC, secret)
        with self._locked(exclusive=True):
            entries = self._read()
            for number, entry in enumerate(entries):
                if entry.service == new.service and entry.username == username:
                    entries[number] = new
                    break
            else:
                entries.append(new)
            self._write(entries)
        with self._cache_lock:
            self._cache = entries

    def remove(self, service: str, username: str | None) -> bool:
        """Remove the exact (service, username) entry; False when there was none."""
        key = ServiceUrl.parse(service).url
        with self._locked(exclusive=True):
            entries = self._read()
            kept = [e for e in entries if not (e.service == key and e.username == username)]
            if len(kept) == len(entries):
                return False
            self._write(kept)
        with self._cache_lock:
            self._cache = kept
        return True
