"""URL hosts checked as uv's `url` crate (WHATWG URL) checks them, with its wording.

uv parses every index URL with the `url` crate; a host that is not a valid domain after IDNA
processing (a placeholder such as `<domain>` pasted from documentation, a `^` or `|`, a broken
`xn--` label) is "invalid international domain name", a host ending in a number that is no
IPv4 address is "invalid IPv4 address". Only the special schemes have such hosts.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

INVALID_DOMAIN = "invalid international domain name"
INVALID_IPV4 = "invalid IPv4 address"
SPECIAL_SCHEMES = frozenset({"http", "https", "file", "ws", "wss", "ftp"})
# WHATWG's forbidden domain code points (C0 controls and DEL are checked by range).
_FORBIDDEN = frozenset(" #%/:<>?@[\\]^|")
_NUMBER = re.compile(r"^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$")


def _authority_host(url: str) -> str | None:
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() not in SPECIAL_SCHEMES:
        return None
    rest = rest.lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        return None  # IPv6 literals are checked elsewhere (urlsplit)
    return host.partition(":")[0]


def _ascii_domain(domain: str) -> str | None:
    if domain.isascii():
        return domain.lower()
    try:
        import idna  # httpx's own dependency: UTS 46 mapping as the `url` crate does it
    except ImportError:  # pragma: no cover - httpx always brings it
        return None
    try:
        mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
        labels = [
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in mapped.split(".")
        ]
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return ".".join(labels)


def _valid_labels(domain: str) -> bool:
    for label in domain.split("."):
        if any(ord(c) < 0x20 or ord(c) == 0x7F or c in _FORBIDDEN for c in label):
            return False
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return False
            if not decoded or decoded.isascii():
                return False
    return True


def _ipv4_number(part: str) -> int | None:
    try:
        if part[:2].lower() == "0x":
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10)
    except ValueError:
        return None


def _ipv4_ok(domain: str) -> bool:
    parts = domain.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or len(parts) > 4:
        return False
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return False
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]):
        return False
    limit: int = 256 ** (5 - len(values))
    return values[-1] < limit


def host_error(url: str) -> str | None:
    """uv's complaint about the host of `url`, or None when uv would accept it."""
    host = _authority_host(url)
    if not host:
        return None
    try:
        decoded = unquote_to_bytes(host).decode("utf-8")
    except UnicodeDecodeError:
        return INVALID_DOMAIN
    domain = _ascii_domain(decoded)
    if domain is None or not _valid_labels(domain):
        return INVALID_DOMAIN
    last = [label for label in domain.split(".") if label][-1:] or [""]
    if _NUMBER.match(last[0]) and not _ipv4_ok(domain):
        return INVALID_IPV4
    return None
