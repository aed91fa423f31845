"""`keyring-policy auth login|logout|token|dir`: uv's `uv auth` commands, same arguments, messages,
exit codes and storage.

Storage is uv's plaintext `credentials.toml` (`policy.credentials.credentials_file`), or, when
the preview feature `native-auth` is on, the system keyring under `uv:<target>` with uv's target
rule: `host[:port]` for https, `scheme://host[:port]` otherwise. Two deliberate differences from
uv: the file is written atomically with mode 0600 under its lock, and a password written inside
the service URL never ends up in the file's `service` key.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Mapping

from pydantic import SecretStr

from policy.cli.options import global_options
from policy.credentials.backends.base import KeyringBackend, keyring_timeout
from policy.credentials.credentials_file import CredentialsFile, ServiceUrl, credentials_dir
from policy.decision import UV_PREFIX, native_target, service_names
from policy.errors import CredentialsFileError, KeyringUnavailable, PolicyError
from policy.realm import Realm, root_url
from policy.redact import redact_url

TOKEN_USERNAME = "__token__"
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
    """`login`, `logout`, `token`, `dir`, each taking the global options too."""

    sub = parser.add_subparsers(dest="auth_command", metavar="COMMAND", parser_class=type(parser))
    sub.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help_text, description=help_text, parents=[global_options(suppress=True)]
        )

    login = command("login", "Store credentials for a service")
    login.add_argument("service", metavar="SERVICE")
    login.add_argument("-u", "--username", metavar="USERNAME")
    login.add_argument("--password", metavar="PASSWORD", help="the password, or - for stdin")
    login.add_argument("-t", "--token", metavar="TOKEN", help="a token, or - for stdin")
    for name, help_text in (
        ("logout", "Remove credentials for a service"),
        ("token", "Print the stored password or token of a service"),
    ):
        other = command(name, help_text)
        other.add_argument("service", metavar="SERVICE")
        other.add_argument("-u", "--username", metavar="USERNAME")
    directory = command("dir", "Print the directory of the plaintext credentials store")
    directory.add_argument("service", metavar="SERVICE", nargs="?")


# --------------------------------------------------------------------------- helpers


def _native_service(url: str) -> str:
    """The `uv:` entry `uv auth login --preview-features native-auth` writes for `url`."""
    return UV_PREFIX + native_target(Realm.from_url(url))


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


class _UsageError(AuthError):
    """A clap-style usage error (printed without causes)."""


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _read_stdin_line() -> str:
    return sys.stdin.readline().strip()


def _native_backend(env: Mapping[str, str]) -> KeyringBackend:
    from policy.credentials.backends.native import NativeKeyring

    return NativeKeyring(timeout=keyring_timeout(env))


def _native_auth(args: argparse.Namespace) -> bool:
    """Whether `native-auth` is on, from the settings (flags, environment, files)."""
    from policy.cli.commands._common import load_settings

    return load_settings(args).native_auth


# --------------------------------------------------------------------------- commands


def _login(args: argparse.Namespace, env: Mapping[str, str], native: bool) -> int:
    if args.token is not None and (args.username is not None or args.password is not None):
        flag = "--username <USERNAME>" if args.username is not None else "--password <PASSWORD>"
        raise _UsageError(
            f"the argument '{flag}' cannot be used with '--token <TOKEN>'\n\n"
            "For more information, try '--help'."
        )
    service = _parse_service(args.service)
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

    if native:
        try:
            _native_backend(env).set(_native_service(url), username, password)
        except KeyringUnavailable as error:
            raise AuthError(
                "Unable to store credentials in the system keyring", str(error)
            ) from None
    else:
        CredentialsFile.from_env(env).insert(url, username, password)
    sys.stderr.write(f"Stored credentials for {_display(username, url)}\n")
    return EXIT_OK


def _logout(args: argparse.Namespace, env: Mapping[str, str], native: bool) -> int:
    service = _parse_service(args.service)
    url = root_url(service.url)
    if args.username is not None and service.username is not None:
        raise AuthError(
            "Cannot specify a username both via the URL and CLI; found "
            f"`--username {args.username}` and `{service.username}`"
        )
    username = args.username or service.username or TOKEN_USERNAME
    display = _display(username, url)
    if native:
        try:
            removed = _native_backend(env).delete(_native_service(url), username)
        except KeyringUnavailable as error:
            raise AuthError(f"Unable to remove credentials for `{display}`", str(error)) from None
        if not removed:
            raise AuthError(
                f"Unable to remove credentials for `{display}`",
                "No matching entry found in secure storage",
            )
    elif not CredentialsFile.from_env(env).remove(url, username):
        raise AuthError(f"No matching entry found for `{display}`")
    sys.stderr.write(f"Removed credentials for {display}\n")
    return EXIT_OK


def _token(args: argparse.Namespace, env: Mapping[str, str], native: bool) -> int:
    service = _parse_service(args.service)
    url = service.url  # no `/simple` stripping: prefix matching covers it
    username = args.username or service.username or TOKEN_USERNAME
    display = _display(username, url)
    if native:
        backend = _native_backend(env)
        found = None
        for name in service_names(url, Realm.from_url(url)):
            result = backend.get(UV_PREFIX + name, username)
            if result.credentials is not None:
                found = result.credentials
                break
    else:
        found = CredentialsFile.from_env(env).get(url, username)
    if found is None:
        raise AuthError(f"Failed to fetch credentials for `{display}`")
    secret = found.password_value
    if secret is None:
        noun = "token" if username == TOKEN_USERNAME else "password"
        raise AuthError(f"No {noun} found for `{display}`")
    sys.stdout.write(secret + "\n")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run one `auth` subcommand; uv's messages on stderr, exit 2 on failure."""
    env = os.environ
    try:
        if args.auth_command == "dir":
            sys.stdout.write(f"{credentials_dir(env)}\n")
            return EXIT_OK
        native = _native_auth(args)
        handler = {"login": _login, "logout": _logout, "token": _token}[args.auth_command]
        return handler(args, env, native)
    except AuthError as error:
        sys.stderr.write(error.render())
        return EXIT_ERROR
    except CredentialsFileError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_ERROR
