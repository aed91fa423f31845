"""clap's wording for bad flag and environment values, which uv prints for its `env =` options.

A variable such as `UV_KEYRING_PROVIDER` is parsed as its flag, so its errors name the flag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policy.errors import ConfigError
from policy.redact import mask_text

MORE = "\n\nFor more information, try '--help'."


def _jaro(left: str, right: str) -> float:
    # strsim's Jaro similarity, which clap's "a similar value exists" tip uses (> 0.7).
    if not left and not right:
        return 1.0
    if not left or not right:
        return 0.0
    window = max(max(len(left), len(right)) // 2 - 1, 0)
    left_hits = [False] * len(left)
    right_hits = [False] * len(right)
    matches = 0
    for i, char in enumerate(left):
        for j in range(max(0, i - window), min(len(right), i + window + 1)):
            if not right_hits[j] and right[j] == char:
                left_hits[i] = right_hits[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i, char in enumerate(left):
        if left_hits[i]:
            while not right_hits[j]:
                j += 1
            if char != right[j]:
                transpositions += 1
            j += 1
    return (
        matches / len(left) + matches / len(right) + (matches - transpositions / 2) / matches
    ) / 3


def similar(value: str, choices: Sequence[str]) -> str | None:
    """The closest choice when clap would suggest one."""
    best = max(choices, key=lambda choice: _jaro(value, choice))
    return best if _jaro(value, best) > 0.7 else None


def invalid_choice(value: str, flag: str, choices: Sequence[str]) -> ConfigError:
    """`invalid value 'x' for '--flag <FLAG>'` with the possible values and maybe a tip."""
    possible = f"\n  [possible values: {', '.join(choices)}]" if choices else ""
    if value == "":
        required = f"a value is required for '{flag}' but none was supplied"
        return ConfigError(f"{required}{possible}{MORE}")
    tip = similar(value, choices)
    value = mask_text(value)
    hint = f"\n\n  tip: a similar value exists: '{tip}'" if tip else ""
    return ConfigError(f"invalid value '{value}' for '{flag}'{possible}{hint}{MORE}")


def invalid_value(value: str, flag: str, reason: str) -> ConfigError:
    """`invalid value 'x' for '--flag <FLAG>': reason`."""
    return ConfigError(mask_text(f"invalid value '{value}' for '{flag}': {reason}{MORE}"))


_FLAG = re.compile(r"'--([a-z-]+)(?: <[A-Z_]+>)?'")


def library_wording(message: str) -> str:
    """A flag error reworded for a program that passed `Overrides` itself (no `--help` to try).

    `invalid value 'x' for '--keyring-provider <KEYRING_PROVIDER>'` becomes
    `invalid value 'x' for `Overrides.keyring_provider``.
    """
    message = message.removesuffix(MORE)
    return _FLAG.sub(lambda match: f"`Overrides.{match.group(1).replace('-', '_')}`", message)
