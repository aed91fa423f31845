"""uv 0.13.9's preview feature names and its `resolve_preview` rules.

The precedence (highest first), as `crates/uv/src/settings.rs::resolve_preview` does it:

1. `--preview` / `--no-preview`
2. `UV_PREVIEW` when truthy (a falsy value falls through; it does not disable the config)
3. the configuration's `preview = true` / `preview-features = true`
4. the feature list from `--preview-features` (else `UV_PREVIEW_FEATURES`): replaces, never merges
5. the configuration's feature list (`false` and `[]` mean none)

Unknown names are warned about only when the source that holds them is consulted: a list from
the CLI or environment is consulted unless step 1 or 2 decided; a configuration list only when it
decides. Names match exactly after trimming surrounding whitespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from policy.errors import ConfigError
from policy.settings.models import Preview

FEATURES: tuple[str, ...] = (
    "python-install-default",
    "json-output",
    "pylock",
    "add-bounds",
    "package-conflicts",
    "extra-build-dependencies",
    "detect-module-conflicts",
    "format-command",
    "native-auth",
    "s3-endpoint",
    "cache-size",
    "cache-physical-space",
    "init-project-flag",
    "workspace-metadata",
    "workspace-dir",
    "workspace-list",
    "sbom-export",
    "auth-helper",
    "target-workspace-discovery",
    "metadata-json",
    "gcs-endpoint",
    "adjust-ulimit",
    "special-conda-env-names",
    "relocatable-envs-default",
    "publish-require-normalized",
    "audit-command",
    "project-directory-must-exist",
    "index-exclude-newer",
    "azure-endpoint",
    "toml-backwards-compatibility",
    "malware-check",
    "venv-safe-clear",
    "check-command",
    "packaged-init",
    "centralized-project-envs",
    "venv-redirect-files",
    "tool-install-locks",
    "workspace-list-scripts",
    "index-hash-algorithm",
    "lockfile-format-check",
    "lockfile-normalization",
    "lock-without-metadata",
    "index-by-name",
    "artifact-hash-filtering",
    "content-addressed-cache",
    "missing-exclude-newer-package-lock",
    "resolution-inputs",
    "batch-export",
    "frozen-lockfile",
    "minimum-libc-version",
    "build-dependency-check",
    "build-lazy-imports",
    "build-dependency-hashes",
    "wheel-variants",
    "http2-keep-alive",
)
"""Canonical names in uv's declaration order (55 in uv 0.13.9)."""

ALIASES: dict[str, str] = {
    "format": "format-command",
    "audit": "audit-command",
    "check": "check-command",
}

EMPTY_NAME = "preview feature name cannot be empty"
FEATURES_FLAG = "--preview-features <PREVIEW_FEATURES>"

_KNOWN = frozenset(FEATURES)

ConfigPreview = bool | tuple[str, ...]
"""A file's preview value: `True`/`False` (`preview`, or `preview-features` as a boolean) or a
list of names (`preview-features`); one atomic value per source."""


def canonical(name: str) -> str | None:
    """The canonical feature for `name` (trimmed; exact, case-sensitive), or None if unknown."""
    trimmed = name.strip()
    if trimmed in _KNOWN:
        return trimmed
    return ALIASES.get(trimmed)


def unknown_warning(name: str) -> str:
    """uv's warning for a name it does not know."""
    return f"Unknown preview feature: `{name}`"


def split_cli_values(values: Sequence[str]) -> tuple[str, ...]:
    """Split `--preview-features` / `UV_PREVIEW_FEATURES` values on commas, as clap does.

    An empty name (after trimming) is clap's error, exit 2.
    """
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                raise ConfigError(
                    f"invalid value '{part}' for '{FEATURES_FLAG}': {EMPTY_NAME}\n\n"
                    "For more information, try '--help'."
                )
            names.append(part.strip())
    return tuple(names)


def _enable(names: Iterable[str], warnings: list[str]) -> frozenset[str]:
    enabled: set[str] = set()
    for name in names:
        feature = canonical(name)
        if feature is None:
            message = unknown_warning(name.strip())
            if message not in warnings:  # uv warns once per message
                warnings.append(message)
        else:
            enabled.add(feature)
    return frozenset(enabled)


class Resolved(NamedTuple):
    """The resolved preview, which input decided it, and the warnings resolution produced."""

    preview: Preview
    decided_by: str  # "cli", "env-preview", "config", "features", "default"
    warnings: tuple[str, ...]


ALL = Preview(all=True, features=frozenset(FEATURES))
NONE = Preview()


def resolve_preview(
    *,
    cli: bool | None,
    env_preview: bool | None,
    config: ConfigPreview | None,
    features: Sequence[str],
) -> Resolved:
    """uv's `resolve_preview`.

    `cli` is True for `--preview`, False for `--no-preview`; `env_preview` the parsed
    `UV_PREVIEW`; `config` the merged file value; `features` the names from
    `--preview-features`, or from `UV_PREVIEW_FEATURES` when the flag is absent.
    """
    if cli is not None:
        return Resolved(ALL if cli else NONE, "cli", ())
    if env_preview:
        return Resolved(ALL, "env-preview", ())
    warnings: list[str] = []
    listed = _enable(features, warnings) if features else None
    if config is True:
        return Resolved(ALL, "config", tuple(warnings))
    if listed is not None:
        return Resolved(Preview(features=listed), "features", tuple(warnings))
    if config is None:
        return Resolved(NONE, "default", ())
    if config is False:
        return Resolved(NONE, "config", ())
    return Resolved(Preview(features=_enable(config, warnings)), "config", tuple(warnings))
