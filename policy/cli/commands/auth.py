"""`keyring-policy auth login|logout|token|dir|list`: uv's `uv auth` commands, same arguments,
messages, exit codes and storage, and what keyring-policy stores automatically.

Storage is uv's plaintext `credentials.toml` (`policy.credentials.credentials_file`), or, when
the preview feature `native-auth` is on, the system keyring under `uv:<target>` with uv's target
rule: `host[:port]` for https, `scheme://host[:port]` otherwise. Two deliberate differences from
uv: the file is written atomically with mode 0600 under its lock, and a password written inside
the service URL never ends up in the file's `service` key.

With the native provider (or `native-auth`), `token`, `logout` and `list` also see the
`uv-credentials:<index-url>` entries that automatic storing writes, `login` keeps such an
entry in step when it rotates a password, and a target may be an `[[index]]` name. Which
entries a target names is `policy.cli.commands.auth_entries`.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from policy.cli.commands import auth_entries
from policy.cli.commands._common import print_json
from policy.cli.options import global_options
from policy.credentials.backends.base import KeyringBackend, LookupStatus, keyring_timeout
from policy.credentials.credentials_file import CredentialsFile, ServiceUrl, credentials_dir
from policy.errors import CredentialsFileError, KeyringUnavailable, PolicyError
from policy.realm import is_path_prefix, location, root_url
from policy.redact import redact_url
from policy.settings.models import KeyringProvider, Settings

log = logging.getLogger("policy.cli.auth")

TOKEN_USERNAME = "__token__"
FILE_BACKEND = "credentials-file"
EXIT_OK = 0
EXIT_ERROR = 2  # uv exits 2 for every failed `uv auth` command


class AuthError(PolicyError):
    """A uv-style failure of an `auth` command: the message, then indented causes."""

    def __init__(self, message: str, *causes: str) -> None:
        super().__init__(message)
        self.causes = causes

    def render(self) -> str:
        return "".join([f"error: {self}\n", *(f"  cause: {cause}\n" for cause in self.causes)])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`login`, `logout`, `token`, `dir`, `list`, each taking the global options too."""

    sub = parser.add_subparsers(dest="auth_command", metavar="COMMAND", parser_class=type(parser))
    sub.required = True

    def command(name: str, help_text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[global_options(suppress=True)],
        )

    target_help = (
        "the index URL, its host, or the name of an [[index]] in the configuration "
        "(credentials in the URL are taken apart)"
    )
    login = command("login", "Store credentials for a service", _LOGIN_EPILOG)
    login.add_argument("service", metavar="SERVICE", help=target_help)
    login.add_argument("-u", "--username", metavar="USERNAME", help="the username to store")
    login.add_argument(
        "--password",
        metavar="PASSWORD",
        help="the password, or - to read one line from stdin (prompted for when omitted and "
        "stdin is a terminal)",
    )
    login.add_argument(
        "-t",
        "--token",
        metavar="TOKEN",
        help="a token, or - for stdin; stored with the username __token__",
    )
    for name, help_text in (
        ("logout", "Remove credentials for a service (every entry keyring-policy would read)"),
        ("token", "Print the stored password or token of a service"),
    ):
        other = command(name, help_text)
        other.add_argument("service", metavar="SERVICE", help=target_help)
        other.add_argument("-u", "--username", metavar="USERNAME", help="whose credentials")
    directory = command("dir", "Print the directory of the plaintext credentials store")
    directory.add_argument("service", metavar="SERVICE", nargs="?")
    command(
        "list",
        "List the stored entries for the configured indexes (service and username, never a "
        "password)",
    )


_LOGIN_EPILOG = """\
where the credentials go:
  by default uv's plaintext credentials file (see `keyring-policy auth dir`), mode 0600;
  with the preview feature native-auth, the system keyring under `uv:<host>`, as uv does.
  A password stored automatically by a fetch (`uv-credentials:<index-url>`) for the same
  user is replaced too, so a rotated password is the one used.

examples:
  keyring-policy auth login https://pkgs.example.com/simple -u alice --password -
  keyring-policy auth login private --token -              (an [[index]] named private)
  keyring-policy --preview-features native-auth auth login private -u alice
"""


# --------------------------------------------------------------------------- helpers


def _display(username: str, url: str) -> str:
    return url if username == TOKEN_USERNAME else f"{username}@{url}"


def _parse_service(raw: str) -> ServiceUrl:
    try:
        return ServiceUrl.parse(raw)
    except ValueError as error:
        raise _UsageError(
            f"invalid value '{redact_url(raw)}' for '<SERVICE>': {error}\n\n"
            "For more information, try '--help'."
        ) from None


def _target(settings: Settings, raw: str) -> ServiceUrl:
    """The service a target names: an `[[index]]` name first, else a URL or host."""
    index = auth_entries.index_named(settings, raw)
    if index is None:
        return _parse_service(raw)
    named = _parse_service(index.url)
    log.info("`%s` is the index %s", raw, redact_url(named.url))
    return ServiceUrl(named.url, named.username, None)  # a password in the config stays there


class _UsageError(AuthError):
    """A clap-style usage error (printed without causes)."""


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _read_stdin_line() -> str:
    return sys.stdin.readline().strip()


def _native_backend(env: Mapping[str, str]) -> KeyringBackend:
    from policy.credentials.backends.native import NativeKeyring

    return NativeKeyring(timeout=keyring_timeout(env))


def _backend_label(backend: KeyringBackend) -> str:
    label = getattr(backend, "backend_name", None)
    return label if isinstance(label, str) else type(backend).__name__


def _load(args: argparse.Namespace) -> Settings:
    """The settings (flags, environment, files), loading warnings printed."""
    from policy.cli.commands._common import load_settings

    return load_settings(args)


def _keyring_in_use(settings: Settings) -> bool:
    """Whether keyring entries count: the native provider reads them, `native-auth` writes."""
    return settings.native_auth or settings.keyring_provider is KeyringProvider.NATIVE


def _record(service: str, username: str | None, backend: str) -> dict[str, Any]:
    return {"service": service, "username": username, "backend": backend}


# --------------------------------------------------------------------------- commands


def _login(args: argparse.Namespace, env: Mapping[str, str], settings: Settings) -> int:
    if args.token is not None and (args.username is not None or args.password is not None):
        flag = "--username <USERNAME>" if args.username is not None else "--password <PASSWORD>"
        raise _UsageError(
            f"the argument '{flag}' cannot be used with '--token <TOKEN>'\n\n"
            "For more information, try '--help'."
        )
    service = _target(settings, args.service)
    url = root_url(service.url)

    if args.username is not None and service.username is not None:
        raise AuthError(
            "Cannot specify a username both via the URL and CLI; found "
            f"`--username {args.username}` and `{service.username}`"
        )
    username = args.username if args.username is not None else service.username
    if args.token is not None:
        if username is not None and username != TOKEN_USERNAME:
            raise AuthError(
                f"When using `--token`, a username cannot not be provided; found: {username}"
            )
        username = TOKEN_USERNAME
    if username is None:
        if not _interactive():
            raise AuthError(
                "No username provided; did you mean to provide `--username` or `--token`?"
            )
        sys.stderr.write("username: ")
        sys.stderr.flush()
        username = _read_stdin_line()
    if not username:
        raise AuthError("Username cannot be empty")

    if args.password is not None and service.password is not None:
        raise AuthError("Cannot specify a password both via the URL and CLI")
    if args.token is not None and service.password is not None:
        raise AuthError("Cannot include a password in the URL when using `--token`")
    given = args.token if args.token is not None else args.password
    if given == "-":
        password = SecretStr(_read_stdin_line())
    elif given is not None:
        password = SecretStr(given)
    elif service.password is not None:
        password = service.password
    elif _interactive():
        password = SecretStr(getpass.getpass("password: "))
    else:
        raise AuthError("No password provided; did you mean to provide `--password` or `--token`?")
    if not password.get_secret_value():
        raise AuthError("Password cannot be empty")

    stored: list[dict[str, Any]] = []
    notes: list[str] = []
    if settings.native_auth:
        backend = _native_backend(env)
        entry = auth_entries.uv_login_entry(url)
        try:
            backend.set(entry.service, username, password)
            # A password stored automatically for this user would be read first: keep it in
            # step, so that a rotated password is the one sent.
            for ours in auth_entries.ours_for(settings, service.url):
                if backend.get(ours.service, username).credentials is not None:
                    backend.set(ours.service, username, password)
                    notes.append(f"Updated the system keyring entry `{ours.service}` too\n")
                    stored.append(_record(ours.service, username, _backend_label(backend)))
        except KeyringUnavailable as error:
            raise AuthError(
                "Unable to store credentials in the system keyring", str(error)
            ) from None
        stored.insert(0, _record(entry.service, username, _backend_label(backend)))
        log.info("Stored in %s under `%s`", _backend_label(backend), entry.service)
    else:
        store = CredentialsFile.from_env(env)
        store.insert(url, username, password)
        stored.append(_record(url, username, FILE_BACKEND))
        log.info("Stored in the credentials file %s", store.path)
    sys.stderr.write(f"Stored credentials for {_display(username, url)}\n")
    sys.stderr.writelines(notes)
    if args.format == "json":
        print_json({"stored": stored})
    return EXIT_OK


def _any_username(backend: KeyringBackend, service: str) -> str | None:
    result = backend.get(service, None)
    return result.credentials.username if result.credentials is not None else None


def _logout(args: argparse.Namespace, env: Mapping[str, str], settings: Settings) -> int:
    service = _target(settings, args.service)
    url = root_url(service.url)
    if args.username is not None and service.username is not None:
        raise AuthError(
            "Cannot specify a username both via the URL and CLI; found "
            f"`--username {args.username}` and `{service.username}`"
        )
    username = args.username or service.username
    display = _display(username or TOKEN_USERNAME, url)
    removed: list[dict[str, Any]] = []
    ours_removed: list[tuple[str, str]] = []
    uv_removed = False
    try:
        backend = _native_backend(env) if _keyring_in_use(settings) else None
        if settings.native_auth and backend is not None:
            entry = auth_entries.uv_login_entry(url)
            uv_removed = backend.delete(entry.service, username or TOKEN_USERNAME)
            if uv_removed:
                removed.append(
                    _record(entry.service, username or TOKEN_USERNAME, _backend_label(backend))
                )
        else:
            uv_removed = CredentialsFile.from_env(env).remove(url, username or TOKEN_USERNAME)
            if uv_removed:
                removed.append(_record(url, username or TOKEN_USERNAME, FILE_BACKEND))
        if backend is not None:
            for ours in auth_entries.ours_for(settings, service.url):
                user = username or _any_username(backend, ours.service)
                if user is not None and backend.delete(ours.service, user):
                    ours_removed.append((ours.service, user))
                    removed.append(_record(ours.service, user, _backend_label(backend)))
    except KeyringUnavailable as error:
        raise AuthError(f"Unable to remove credentials for `{display}`", str(error)) from None
    if not removed:
        if settings.native_auth:
            raise AuthError(
                f"Unable to remove credentials for `{display}`",
                "No matching entry found in secure storage",
            )
        raise AuthError(f"No matching entry found for `{display}`")
    if uv_removed:
        sys.stderr.write(f"Removed credentials for {display}\n")
    for name, user in ours_removed:
        sys.stderr.write(f"Removed credentials for {user} from the system keyring entry `{name}`\n")
    if args.format == "json":
        print_json({"removed": removed})
    return EXIT_OK


def _token(args: argparse.Namespace, env: Mapping[str, str], settings: Settings) -> int:
    service = _target(settings, args.service)
    url = service.url  # no `/simple` stripping: prefix matching covers it
    username = args.username or service.username
    display = _display(username or TOKEN_USERNAME, url)
    found = None
    where: dict[str, Any] = {}
    if not settings.native_auth:
        found = CredentialsFile.from_env(env).get(url, username or TOKEN_USERNAME)
        where = _record(url, username or TOKEN_USERNAME, FILE_BACKEND)
    if found is None and _keyring_in_use(settings):
        backend = _native_backend(env)
        entries = auth_entries.ours_for(settings, url) + auth_entries.uv_entries(url)
        for entry in entries:
            # uv's own entries are asked for `__token__` without a username, as uv does; the
            # entries stored automatically are asked for whichever user they hold.
            user = username if username is not None else (None if entry.ours else TOKEN_USERNAME)
            result = backend.get(entry.service, user)
            if result.status is LookupStatus.UNAVAILABLE:
                raise AuthError(f"Failed to fetch credentials for `{display}`", result.detail)
            if result.credentials is not None:
                found = result.credentials
                where = _record(entry.service, found.username, _backend_label(backend))
                break
    if found is None:
        raise AuthError(f"Failed to fetch credentials for `{display}`")
    log.info(
        "Found credentials for %s in %s under `%s`",
        found.username,
        where["backend"],
        where["service"],
    )
    secret = found.password_value
    if secret is None:
        noun = "token" if (username or TOKEN_USERNAME) == TOKEN_USERNAME else "password"
        raise AuthError(f"No {noun} found for `{display}`")
    if args.format == "json":
        print_json({**where, "password": secret})
    else:
        sys.stdout.write(secret + "\n")
    return EXIT_OK


def _file_entries(env: Mapping[str, str], settings: Settings) -> list[dict[str, Any]]:
    """Credentials-file entries that belong to a configured index (at, under or above it)."""
    entries = []
    indexes = auth_entries.configured_indexes(settings)
    for stored in CredentialsFile.from_env(env).entries():
        at = location(stored.service)
        for index in indexes:
            other = location(index.url)
            if at is None or other is None or at[0] != other[0]:
                continue
            if is_path_prefix(at[1], other[1]) or is_path_prefix(other[1], at[1]):
                entries.append(
                    {"index": index.name, **_record(stored.service, stored.username, FILE_BACKEND)}
                )
                break
    return entries


def _list(args: argparse.Namespace, env: Mapping[str, str], settings: Settings) -> int:
    entries: list[dict[str, Any]] = []
    if not settings.native_auth:
        entries += _file_entries(env, settings)
    if _keyring_in_use(settings):
        backend = _native_backend(env)
        for entry in auth_entries.listed(settings):
            result = backend.get(entry.service, None)
            if result.status is LookupStatus.UNAVAILABLE:
                raise AuthError("Unable to list the system keyring", result.detail)
            if result.credentials is not None:
                entries.append(
                    {
                        "index": entry.index,
                        **_record(
                            entry.service, result.credentials.username, _backend_label(backend)
                        ),
                    }
                )
    if args.format == "json":
        print_json({"entries": entries})
        return EXIT_OK
    if not entries:
        sys.stdout.write("No stored credentials for the configured indexes\n")
    for item in entries:
        name = item["index"] or "-"
        user = item["username"] or "(token)"
        sys.stdout.write(f"{name}  {redact_url(item['service'])}  {user}  ({item['backend']})\n")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run one `auth` subcommand; uv's messages on stderr, exit 2 on failure."""
    env = os.environ
    try:
        if args.auth_command == "dir":
            directory = credentials_dir(env)
            if args.format == "json":
                print_json({"directory": str(directory)})
            else:
                sys.stdout.write(f"{directory}\n")
            return EXIT_OK
        settings = _load(args)
        handler = {"login": _login, "logout": _logout, "token": _token, "list": _list}[
            args.auth_command
        ]
        return handler(args, env, settings)
    except AuthError as error:
        sys.stderr.write(error.render())
        return EXIT_ERROR
    except CredentialsFileError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_ERROR
