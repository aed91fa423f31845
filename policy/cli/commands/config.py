"""`keyring-policy config`: the resolved settings, where each came from, and the warnings.

The JSON form is a stable interface (keys may be added, never renamed or removed); passwords
in index URLs are shown as `****`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from policy.cli.commands._common import load_settings, print_json
from policy.deadline import keyring_timeout
from policy.errors import KeyringUnavailable
from policy.redact import redact_url
from policy.settings.models import KeyringProvider, Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the global ones (`--format json`)."""


def to_json(settings: Settings) -> dict[str, Any]:
    """The `config --format json` object (stable keys)."""
    return {
        "keyring_provider": settings.keyring_provider.value,
        "preview": {"all": settings.preview.all, "features": sorted(settings.preview.features)},
        "indexes": [
            {
                "name": index.name,
                "url": redact_url(index.url),
                "default": index.default,
                "explicit": index.explicit,
                "format": index.format.value,
                "authenticate": index.authenticate.value,
                "keyring": index.keyring.value,
                "origin": index.origin.value if index.origin else None,
            }
            for index in settings.indexes
        ],
        "no_index": settings.no_index,
        "pins": dict(settings.pins),
        "config_files": list(settings.config_files),
        "sources": dict(settings.sources),
        "warnings": list(settings.warnings),
        "implicit_default": _implicit_default(settings),
    }


def _implicit_default(settings: Settings) -> str | None:
    """PyPI's URL when uv would search it after the configured indexes, else None."""
    from policy.index import PYPI_INDEX, search_indexes

    return PYPI_INDEX.url if any(i is PYPI_INDEX for i in search_indexes(settings)) else None


def to_text(settings: Settings) -> str:
    """A readable summary of the same content."""
    data = to_json(settings)
    sources = data["sources"]

    def origin(key: str) -> str:
        return f"  ({sources[key]})" if key in sources else "  (default)"

    preview = data["preview"]
    shown = "all" if preview["all"] else (", ".join(preview["features"]) or "none")
    lines = [
        f"keyring-provider: {data['keyring_provider']}{origin('keyring_provider')}",
        f"preview: {shown}{origin('preview')}",
        f"no-index: {str(data['no_index']).lower()}{origin('no_index')}",
        "indexes:" if data["indexes"] else "indexes: none (PyPI)",
    ]
    for position, index in enumerate(data["indexes"]):
        flags = [f"{key}={index[key]}" for key in ("format", "authenticate", "keyring")]
        flags += [key for key in ("default", "explicit") if index[key]]
        name = f"{index['name']}: " if index["name"] else ""
        lines.append(
            f"  {position + 1}. {name}{index['url']}  [{', '.join(flags)}]"
            f"  ({sources.get(f'indexes[{position}]', index['origin'])})"
        )
    if data["indexes"] and data["implicit_default"]:
        lines.append(f"  then {data['implicit_default']}  (the implicit default, searched last)")
    lines.append("config files: " + (", ".join(data["config_files"]) or "none"))
    return "\n".join(lines) + "\n"


def keyring_backend(settings: Settings, env: Mapping[str, str]) -> dict[str, Any]:
    """`keyring_backend` / `keyring_backend_secure`: where the native provider would store.

    Only the backend is chosen (under the keyring deadline); nothing is read or unlocked.
    Both are None when the native provider is not in use or no backend can be chosen.
    """
    keys: dict[str, Any] = {"keyring_backend": None, "keyring_backend_secure": None}
    if settings.keyring_provider is not KeyringProvider.NATIVE:
        return keys
    from policy.credentials.backends.native import NativeKeyring
    from policy.credentials.backends.safety import BackendSafety

    try:
        label, safety = NativeKeyring(timeout=keyring_timeout(env)).where_stored()
    except KeyringUnavailable as error:
        sys.stderr.write(f"warning: {error}\n")
        return keys
    return {"keyring_backend": label, "keyring_backend_secure": safety is BackendSafety.SECURE}


def run(args: argparse.Namespace) -> int:
    """Print the resolved settings, and the keyring backend the native provider would use."""
    settings = load_settings(args)
    backend = keyring_backend(settings, os.environ)
    if args.format == "json":
        print_json({**to_json(settings), **backend})
        return 0
    sys.stdout.write(to_text(settings))
    if backend["keyring_backend"] is not None:
        note = (
            "secure"
            if backend["keyring_backend_secure"]
            else "plain or encoded text: automatic storing is refused"
        )
        sys.stdout.write(f"keyring backend: {backend['keyring_backend']}  ({note})\n")
    return 0
