"""A counting stand-in for the `keyring` command (stdlib only, copied into a bin directory).

The benchmark writes this file, behind a `#!<python> -IS` line, as `keyring` first on PATH.
Each invocation appends one JSON line (argv, pid, parent pid) to `$COUNTING_KEYRING_LOG` and
answers from `$COUNTING_KEYRING_MAP`, a JSON object `{"host:port": {"username": "password"}}`,
the way keyring 25.x's CLI answers: `get S U` prints the password; `--mode creds` prints
`username` and `password` on two lines; `--output json` prints a JSON object; a miss exits 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.parse import urlsplit

PREFIXES = ("uv-credentials:", "uv:")


def realm_key(service: str) -> str:
    """`host:port` of a service name, whatever form an installer gave it in."""
    for prefix in PREFIXES:
        if service.startswith(prefix):
            service = service[len(prefix) :]
            break
    if "://" in service:
        netloc = urlsplit(service).netloc
        return netloc.rpartition("@")[2]
    return service.split("/", 1)[0]


def lookup(service: str, username: str | None) -> tuple[str, str] | None:
    """(username, password) stored for the service's realm, or None."""
    path = os.environ.get("COUNTING_KEYRING_MAP")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            stored: dict[str, dict[str, str]] = json.load(handle)
    except OSError:
        return None
    users = stored.get(realm_key(service), {})
    if username is None:
        return next(iter(users.items()), None)
    return (username, users[username]) if username in users else None


def parse(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """Options (`--mode`, `--output`, also as `--opt=value`) and positional arguments."""
    options: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg[2:].partition("=")
            options[name] = value
        elif arg in ("--mode", "--output", "-b", "-p", "--keyring-backend", "--keyring-path"):
            options[arg.lstrip("-")] = next(rest, "")
        else:
            positional.append(arg)
    return options, positional


def main() -> int:
    argv = sys.argv[1:]
    log = os.environ.get("COUNTING_KEYRING_LOG")
    if log:
        record = {
            "kind": "cli",
            "argv": argv,
            "pid": os.getpid(),
            "ppid": os.getppid(),
            "t": time.time(),
        }
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
    options, positional = parse(argv)
    if not positional or positional[0] != "get" or len(positional) < 2:
        return 1  # set / del / anything else: nothing to do in a benchmark
    service = positional[1]
    username = positional[2] if len(positional) > 2 else None
    creds_mode = options.get("mode") == "creds"
    if username is None and not creds_mode:
        sys.stderr.write("keyring: error: get requires service and username\n")
        return 2
    found = lookup(service, username)
    if found is None:
        return 1
    user, password = found
    if options.get("output") == "json":
        payload = {"username": user, "password": password} if creds_mode else {"password": password}
        sys.stdout.write(json.dumps(payload) + "\n")
    elif creds_mode:
        sys.stdout.write(f"{user}\n{password}\n")
    else:
        sys.stdout.write(f"{password}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
