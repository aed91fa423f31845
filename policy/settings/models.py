"""The resolved settings: closed vocabularies as enums and frozen pydantic models.

These are data and validation only; reading files, the environment and flags is
`policy.settings.origins`' job. Enum values are the exact TOML spellings uv uses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from policy._compat import StrEnum


class KeyringProvider(StrEnum):
    """`keyring-provider`: uv's two values plus this project's `native`."""

    DISABLED = "disabled"
    SUBPROCESS = "subprocess"
    NATIVE = "native"


class AuthPolicy(StrEnum):
    """`[[index]] authenticate` (uv's `AuthPolicy`)."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class IndexKeyring(StrEnum):
    """`[[index]] keyring`, this project's per-index keyring policy (uv ignores the key)."""

    AUTO = "auto"
    READ = "read"
    STORE = "store"
    SKIP = "skip"


class IndexFormat(StrEnum):
    """`[[index]] format`."""

    SIMPLE = "simple"
    FLAT = "flat"


class Origin(StrEnum):
    """Where an index definition came from (the `origin` key of `config --format json`)."""

    CLI = "cli"
    ENV = "env"
    PROJECT = "project"
    USER = "user"
    SYSTEM = "system"
    CONFIG_FILE = "config-file"


NATIVE_AUTH = "native-auth"
"""The preview feature that gates storing credentials in the system keyring."""


class Preview(BaseModel):
    """The resolved preview setting: every feature, or a set of canonical feature names."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    all: bool = False
    features: frozenset[str] = frozenset()

    def is_enabled(self, feature: str) -> bool:
        """Whether one preview feature (canonical name) is on."""
        return self.all or feature in self.features


class IndexSettings(BaseModel):
    """One configured index, as uv resolves it (credentials may still be in `url`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str | None = None
    url: str
    default: bool = False
    explicit: bool = False
    format: IndexFormat = IndexFormat.SIMPLE
    authenticate: AuthPolicy = AuthPolicy.AUTO
    keyring: IndexKeyring = IndexKeyring.AUTO
    publish_url: str | None = None
    ignore_error_codes: tuple[int, ...] | None = None
    origin: Origin | None = None


class Settings(BaseModel):
    """Everything the policy needs, resolved from flags, environment and files.

    `indexes` is in uv's search priority order and excludes the implicit PyPI default;
    `policy.index.search_indexes(settings)` is the list uv searches, PyPI included.
    `sources` maps a setting name to where its value came from, never to the value.
    `pins` maps a normalised project name to the index it is pinned to (`[tool.uv.sources]`
    `{ index = "name" }`); an explicit index is searched only for the projects pinned to it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    keyring_provider: KeyringProvider = KeyringProvider.DISABLED
    preview: Preview = Field(default_factory=Preview)
    indexes: tuple[IndexSettings, ...] = ()
    no_index: bool = False
    pins: dict[str, str] = Field(default_factory=dict)
    config_files: tuple[str, ...] = ()
    sources: dict[str, str] = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def native_auth(self) -> bool:
        """Whether the preview feature `native-auth` is enabled."""
        return self.preview.is_enabled(NATIVE_AUTH)


class Overrides(BaseModel):
    """Values given by the embedding program or the command-line flags (highest priority).

    Values are raw strings as typed, so that `policy.settings.origins` validates flags and
    environment variables alike and names the flag in its error. `preview` is True for
    `--preview`, False for `--no-preview`, None when neither was given. Errors in these values
    name the `Overrides` field, unless `command_line` says they are the command-line flags.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    directory: str | None = None
    config_file: str | None = None
    no_config: bool = False
    keyring_provider: str | None = None
    preview: bool | None = None
    preview_features: tuple[str, ...] = ()
    index: tuple[str, ...] = ()
    default_index: str | None = None
    index_url: str | None = None
    extra_index_url: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    pip: bool = False
    command_line: bool = False
    """True when these are the command-line flags: errors then use uv's (clap's) wording."""
