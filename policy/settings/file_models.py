"""File-level models: the `uv.toml` / `[tool.uv]` schema as far as keyring-policy reads it.

Every top-level key uv 0.13.9 knows is accepted; the ones that do not concern authentication
are ignored (`UV_KEYS` holds uv's list, in uv's order, so "expected one of" reads as uv's).
`[[index]]` tables ignore unknown keys, as uv does; this is what lets the per-index `keyring`
key live in a file that uv reads too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from policy.redact import redact_url
from policy.settings.models import AuthPolicy, IndexFormat, IndexKeyring, KeyringProvider
from policy.settings.preview import EMPTY_NAME
from policy.settings.url_host import host_error

UV_KEYS: tuple[str, ...] = (
    "required-version", "system-certs", "native-tls", "offline", "no-cache", "cache-dir",
    "preview", "preview-features", "python-preference", "python-downloads",
    "concurrent-downloads", "concurrent-builds", "concurrent-installs", "index", "index-url",
    "extra-index-url", "no-index", "find-links", "index-strategy", "keyring-provider",
    "http-proxy", "https-proxy", "no-proxy", "allow-insecure-host", "resolution", "prerelease",
    "prerelease-package", "fork-strategy", "dependency-metadata", "config-settings",
    "config-settings-package", "no-build-isolation", "require-build-hashes",
    "no-build-isolation-package", "extra-build-dependencies", "extra-build-variables",
    "exclude-newer", "exclude-newer-package", "link-mode", "compile-bytecode", "no-sources",
    "no-sources-package", "upgrade", "upgrade-package", "reinstall", "reinstall-package",
    "no-build", "no-build-package", "no-binary", "no-binary-package", "torch-backend",
    "python-install-mirror", "pypy-install-mirror", "graalpy-install-mirror",
    "pyodide-install-mirror", "python-downloads-json-url", "publish-url", "trusted-publishing",
    "check-url", "add-bounds", "audit", "pip", "cache-keys", "override-dependencies",
    "exclude-dependencies", "constraint-dependencies", "build-constraint-dependencies",
    "environments", "required-environments", "minimum-libc-version", "conflicts", "workspace",
    "sources", "managed", "package", "default-groups", "dependency-groups", "dev-dependencies",
    "build-backend",
)  # fmt: skip
"""uv 0.13.9's top-level keys of `uv.toml` / `[tool.uv]`, in the order its errors list them."""

PIP_KEYS: tuple[str, ...] = (
    "python", "system", "break-system-packages", "target", "prefix", "index-url",
    "extra-index-url", "no-index", "find-links", "index-strategy", "keyring-provider",
    "no-build", "no-binary", "only-binary", "no-build-isolation", "require-build-hashes",
    "no-build-isolation-package", "extra-build-dependencies", "extra-build-variables", "strict",
    "extra", "all-extras", "no-extra", "no-deps", "group", "allow-empty-requirements",
    "resolution", "prerelease", "fork-strategy", "dependency-metadata", "output-file",
    "no-strip-extras", "no-strip-markers", "no-annotate", "no-header", "custom-compile-command",
    "generate-hashes", "config-settings", "config-settings-package", "python-version",
    "python-platform", "universal", "exclude-newer", "exclude-newer-package", "no-emit-package",
    "emit-index-url", "emit-find-links", "emit-build-options", "emit-marker-expression",
    "emit-index-annotation", "annotation-style", "link-mode", "compile-bytecode",
    "require-hashes", "verify-hashes", "no-sources", "no-sources-package", "upgrade",
    "upgrade-package", "reinstall", "reinstall-package", "torch-backend",
)  # fmt: skip
"""uv 0.13.9's keys of `[pip]` / `[tool.uv.pip]`, in the order its errors list them."""

PROJECT_ONLY_KEYS: tuple[str, ...] = (
    "conflicts", "workspace", "sources", "dev-dependencies", "default-groups",
    "dependency-groups", "managed", "package", "build-backend", "environments",
    "required-environments",
)  # fmt: skip
"""Keys uv accepts in `[tool.uv]` but rejects in a `uv.toml` file."""

TOOL_KEYS: tuple[str, ...] = ("keyring-provider",)
"""Keys of this project's `[tool.keyring-policy]` table in `pyproject.toml`."""


class SpanlessError(ValueError):
    """A validation error uv reports without a TOML excerpt (a rule across several keys)."""


class ElementError(ValueError):
    """A validation error about one element of a list value, at that element's position."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def describe(value: object) -> str:
    """serde's `Unexpected` wording for a TOML value, as in `invalid type: integer `1``."""
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'string "{escaped}"'
    if isinstance(value, list):
        return "sequence"
    return "map"


def _preview_features(value: object) -> object:
    if isinstance(value, bool):
        return value
    if not isinstance(value, list):
        raise ValueError(
            f"invalid type: {describe(value)}, "
            "expected a boolean or a list of preview feature names"
        )
    names: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ElementError(f"invalid type: {describe(item)}, expected a string", index)
        if not item.strip():
            raise ValueError(EMPTY_NAME)
        names.append(item.strip())
    return tuple(names)


PreviewFeatures = Annotated[bool | tuple[str, ...], BeforeValidator(_preview_features)]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


# defer_build: the schema is built on first validation, not at import (start-up budget).
_MODEL = ConfigDict(
    frozen=True, extra="ignore", alias_generator=_kebab, populate_by_name=True, defer_build=True
)


def check_index_name(name: str) -> str:
    """uv's `IndexName` rules: ASCII letters, digits, `-`, `_`, `.`."""
    for char in name:
        if not char.isascii():
            raise ValueError(
                f"Index names must be ASCII, but found non-ASCII character (`{char}`) in: `{name}`"
            )
        if not (char.isalnum() or char in "-_."):
            raise ValueError(
                "Index names may only contain letters, digits, hyphens, underscores, and "
                f"periods, but found unsupported character (`{char}`) in: `{name}`"
            )
    return name


def _checked_url(value: object) -> object:
    # The `url` crate's host check, at the value's line and column as uv reports it.
    if isinstance(value, str):
        error = host_error(value.strip())
        if error is not None:
            raise ValueError(error)
    return value


def _checked_urls(value: object) -> object:
    if isinstance(value, list):
        for position, item in enumerate(value):
            error = host_error(item.strip()) if isinstance(item, str) else None
            if error is not None:
                raise ElementError(error, position)
    return value


def _status_codes(value: object) -> object:
    # uv reads each code as a u16 (an error at the element), then as an HTTP status code,
    # 100 to 999 (an error at the whole list).
    if isinstance(value, list):
        for position, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                continue
            if not 0 <= item <= 0xFFFF:
                raise ElementError(f"invalid value: integer `{item}`, expected u16", position)
            if not 100 <= item <= 999:
                raise ValueError(f"{item} is not a valid HTTP status code")
    return value


StatusCodes = Annotated[list[StrictInt], BeforeValidator(_status_codes)]
Url = Annotated[StrictStr, BeforeValidator(_checked_url)]
Urls = Annotated[list[StrictStr], BeforeValidator(_checked_urls)]


class CacheControl(BaseModel):
    """`[[index]] cache-control` (accepted, not used by keyring-policy)."""

    model_config = _MODEL

    api: StrictStr | None = None
    files: StrictStr | None = None


class IndexOptions(BaseModel):
    """One `[[index]]` table. Unknown keys are ignored, as uv does."""

    model_config = _MODEL

    name: StrictStr | None = Field(None, description="Index name (letters, digits, `-_.`).")
    url: Url = Field(description="Index URL or local path; may embed `user:pass@`.")
    explicit: StrictBool = False
    default: StrictBool = False
    format: IndexFormat = IndexFormat.SIMPLE
    publish_url: StrictStr | None = None
    authenticate: AuthPolicy = AuthPolicy.AUTO
    ignore_error_codes: StatusCodes | None = None
    cache_control: CacheControl | None = None
    keyring: IndexKeyring = Field(
        IndexKeyring.AUTO,
        description="keyring-policy's per-index keyring policy: auto, read, store or skip "
        "(uv ignores this key).",
    )

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str | None) -> str | None:
        return None if value is None else check_index_name(value)

    @model_validator(mode="after")
    def _explicit_needs_name(self) -> IndexOptions:
        if self.explicit and self.name is None:
            raise ValueError(
                f"An index with `explicit = true` requires a `name`: {redact_url(self.url)}"
            )
        return self


class PipOptions(BaseModel):
    """`[pip]` / `[tool.uv.pip]`: the keys that matter here; uv's other pip keys are ignored."""

    model_config = _MODEL

    index_url: Url | None = None
    extra_index_url: Urls | None = None
    no_index: StrictBool | None = None
    find_links: Urls | None = None
    keyring_provider: KeyringProvider | None = None


class UvOptions(BaseModel):
    """A `uv.toml` file or a `[tool.uv]` table; uv's other top-level keys are ignored."""

    model_config = _MODEL

    keyring_provider: KeyringProvider | None = Field(
        None, description="disabled (default), subprocess, or keyring-policy's native."
    )
    preview: StrictBool | None = Field(None, description="Legacy: enable every preview feature.")
    preview_features: PreviewFeatures | None = Field(
        None, description="true, false, or a list of uv preview feature names."
    )
    index: list[IndexOptions] | None = None
    index_url: Url | None = None
    extra_index_url: Urls | None = None
    find_links: Urls | None = None
    no_index: StrictBool | None = None
    pip: PipOptions | None = None

    @model_validator(mode="after")
    def _one_preview_key(self) -> UvOptions:
        if self.preview is not None and self.preview_features is not None:
            raise SpanlessError("cannot specify both `preview` and `preview-features`")
        return self

    def preview_value(self) -> bool | tuple[str, ...] | None:
        """The file's atomic preview value (`preview` or `preview-features`)."""
        return self.preview if self.preview is not None else self.preview_features


class KeyringPolicyOptions(BaseModel):
    """`[tool.keyring-policy]` in `pyproject.toml`: a table uv ignores, so `native` fits."""

    # Built on first use: most projects never have this table (start-up time matters).
    model_config = _MODEL

    keyring_provider: KeyringProvider | None = None


def field_names(model: type[BaseModel]) -> dict[str, Any]:
    """The TOML spellings of a model's fields."""
    return {_kebab(name): info for name, info in model.model_fields.items()}
