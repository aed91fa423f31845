"""A fake `keyring` command for the integration tests, installed on a private PATH.

Behaviour comes from the environment (so one script serves every test):
`FAKE_KEYRING_MODE`   answer | hang | garbage | traceback | old
`FAKE_KEYRING_LOG`    a JSON-lines file: argv, stdin and pid of every call
`FAKE_KEYRING_ANSWERS` JSON `{"service username": "password", "service": "user\\npassword"}`
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

SCRIPT = """#!{python}
import json, os, sys, time
argv = sys.argv[1:]
stdin = sys.stdin.read()
log = os.environ.get("FAKE_KEYRING_LOG")
if log:
    with open(log, "a") as handle:
        handle.write(json.dumps({{"argv": argv, "stdin": stdin, "pid": os.getpid()}}) + "\\n")
mode = os.environ.get("FAKE_KEYRING_MODE", "answer")
if mode == "hang":
    time.sleep(120)
if mode == "garbage":
    sys.stdout.buffer.write(b"\\xff\\xfe\\x00garbage\\x9c")
    sys.exit(0)
if mode == "traceback":
    sys.stderr.write("Traceback (most recent call last):\\n  File \\"keyring/cli.py\\", "
                     "line 1\\nkeyring.errors.InitError: Failed to create the collection: "
                     "Prompt dismissed.\\n")
    sys.exit(1)
if mode == "old" and "--mode" in argv:
    sys.stderr.write("usage: keyring [-h] ...\\n"
                     "keyring: error: unrecognized arguments: --mode creds\\n")
    sys.exit(2)
answers = json.loads(os.environ.get("FAKE_KEYRING_ANSWERS", "{{}}"))
if argv[:1] == ["get"]:
    if "--mode" in argv:
        answer = answers.get(argv[1])
    else:
        answer = answers.get(argv[1] + " " + argv[2])
    if answer is None:
        sys.exit(1)
    sys.stdout.write(answer + "\\n")
    sys.exit(0)
sys.exit(1)
"""


def install(directory: Path) -> Path:
    """Write the fake `keyring` into `directory` (to be put first on PATH); returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "keyring"
    path.write_text(SCRIPT.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def calls(log: Path) -> list[dict[str, object]]:
    """Every logged call."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.02)
    return False
