"""Resolve `Settings` from flags, the environment and the files, with provenance.

One class per origin turns its input into a `Layer`; `load_settings` orders the layers
(highest first: overrides, environment, then the project, user and system files, or only the
`--config-file`) and one function merges them: scalars from the highest layer that sets them,
lists concatenated highest first, the preview setting through uv's `resolve_preview`.
Provenance records where a value came from (`path:LINE`, `env NAME`, `cli --flag`), never
what it was. Everything is validated before anything is returned: no half-loaded result.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TypeVar
from urllib.parse import urlsplit

from policy import env as names
from policy.env import parse_boolish
from policy.errors import ConfigError
from policy.redact import mask_text
from policy.settings.clap_errors import invalid_choice, invalid_value, library_wording
from policy.settings.config_file import FileOptions, load_uv_toml
from policy.settings.discovery import (
    find_project_file,
    load_optional,
    system_config_file,
    user_config_file,
    workspace_start,
)
from policy.settings.file_models import check_index_name
from policy.settings.models import (
    IndexFormat,
    IndexSettings,
    KeyringProvider,
    Origin,
    Overrides,
    Settings,
)
from policy.settings.pins import Pins, load_pins
from policy.settings.preview import ConfigPreview, resolve_preview, split_cli_values
from policy.settings.url_host import host_error

PROVIDER_FLAG = "--keyring-provider <KEYRING_PROVIDER>"
CONFIG_FILE_WARNING = (
    "The `--config-file` argument expects to receive a `uv.toml` file, not a `pyproject.toml`. "
    "If you're trying to run a command from another project, use the `--project` argument "
    "instead."
)

WithOrigin = tuple[IndexSettings, str]
"""An index and where it came from (`path:LINE`, `env NAME`, `cli --flag`)."""
T = TypeVar("T")


class Layer:
    """What one origin contributes; every value is paired with where it came from."""

    # A plain class rather than a dataclass: building dataclasses costs import time.
    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.keyring_provider: tuple[KeyringProvider, str] | None = None
        self.pip_keyring_provider: tuple[KeyringProvider, str] | None = None
        self.preview: tuple[ConfigPreview, str] | None = None
        self.index: list[WithOrigin] = []
        self.extra_index_url: list[WithOrigin] = []
        self.index_url: WithOrigin | None = None
        self.find_links: list[WithOrigin] = []
        self.no_index: tuple[bool, str] | None = None
        self.pip_extra_index_url: list[WithOrigin] = []
        self.pip_index_url: WithOrigin | None = None
        self.pip_find_links: list[WithOrigin] = []
        self.pip_no_index: tuple[bool, str] | None = None


def _provider(value: str) -> KeyringProvider:
    try:
        return KeyringProvider(value)
    except ValueError:
        raise invalid_choice(value, PROVIDER_FLAG, [p.value for p in KeyringProvider]) from None


def _location(value: str, base: Path) -> str:
    """uv's `IndexUrl`: a URL as given, or a local path made absolute against `base`.

    Raises `ValueError` for what can be neither; callers say which flag or file it came from.
    """
    if "\0" in value or not value.strip():
        raise ValueError("expected a URL or a local path")
    if "://" in value or value.startswith("file:"):
        parts = urlsplit(value.strip())
        try:
            _ = parts.port
        except ValueError:
            raise ValueError("invalid port number") from None
        if parts.scheme in ("http", "https") and not parts.hostname:
            raise ValueError("empty host")
        host = host_error(value.strip())
        if host is not None:
            raise ValueError(host)
        return value
    path = Path(value)
    if value.startswith("~"):
        try:
            path = path.expanduser()
        except RuntimeError:
            raise ValueError("cannot expand `~`") from None
    return Path(os.path.normpath(path if path.is_absolute() else base / path)).as_uri()


def _flag_location(value: str, flag: str, base: Path) -> str:
    try:
        return _location(value, base)
    except ValueError as error:
        raise invalid_value(value, flag, str(error)) from None


EMPTY_PATH = "path could not be converted to an absolute path: "
"""uv's reason for `name=` with nothing after the `=` (an empty path)."""


def _named(value: str, flag: str, base: Path, shown: str | None = None) -> tuple[str | None, str]:
    """uv's `Index::from_str`: `name=url` when the part before `=` has no `:`.

    `shown` is what an error quotes: clap quotes a whole environment variable, not the part.
    """
    quoted = value if shown is None else shown
    name, equals, url = value.partition("=")
    if equals and ":" not in name:
        try:
            check_index_name(name)
        except ValueError as error:
            raise invalid_value(quoted, flag, str(error)) from None
        if not url:
            raise invalid_value(quoted, flag, EMPTY_PATH)
        return name, _flag_location(url, flag, base)
    return None, _flag_location(value, flag, base)


class _Inputs(NamedTuple):
    """Raw flag-or-variable values, as one of the two command-line-level origins holds them."""

    where: dict[str, str]
    raw_index: str | None = None  # the whole `UV_INDEX`, which clap's errors quote
    keyring_provider: str | None = None
    indexes: Sequence[str] = ()  # `--index` (a field may not be called `index`)
    default_index: str | None = None
    index_url: str | None = None
    extra_index_url: Sequence[str] = ()
    find_links: Sequence[str] = ()
    no_index: bool = False


def _command_line_layer(origin: Origin, inputs: _Inputs, cwd: Path) -> Layer:
    layer = Layer(origin)
    where = inputs.where
    if inputs.keyring_provider is not None:
        layer.keyring_provider = (_provider(inputs.keyring_provider), where["keyring_provider"])
    for value in inputs.indexes:
        if not value:
            continue  # clap drops an empty `--index=`, as uv does
        name, url = _named(value, "--index <INDEX>", cwd, inputs.raw_index)
        layer.index.append((IndexSettings(name=name, url=url, origin=origin), where["index"]))
    if inputs.default_index:
        name, url = _named(inputs.default_index, "--default-index <DEFAULT_INDEX>", cwd)
        index = IndexSettings(name=name, url=url, default=True, origin=origin)
        layer.index.append((index, where["default_index"]))
    for value in inputs.extra_index_url:
        if not value:
            continue
        url = _flag_location(value, "--extra-index-url <EXTRA_INDEX_URL>", cwd)
        index = IndexSettings(url=url, origin=origin)
        layer.extra_index_url.append((index, where["extra_index_url"]))
    if inputs.index_url:
        url = _flag_location(inputs.index_url, "--index-url <INDEX_URL>", cwd)
        index = IndexSettings(url=url, default=True, origin=origin)
        layer.index_url = (index, where["index_url"])
    for value in inputs.find_links:
        if not value:
            continue
        url = _flag_location(value, "--find-links <FIND_LINKS>", cwd)
        index = IndexSettings(url=url, format=IndexFormat.FLAT, origin=origin)
        layer.find_links.append((index, where["find_links"]))
    if inputs.no_index:
        layer.no_index = (True, where["no_index"])
    return layer


class CliOrigin:
    """The embedding program's overrides, or the command-line flags."""

    def __init__(self, overrides: Overrides, cwd: Path) -> None:
        self.overrides = overrides
        self.cwd = cwd

    def features(self) -> tuple[str, ...]:
        """The `--preview-features` names (clap's checks applied)."""
        with self._worded():
            return split_cli_values(self.overrides.preview_features)

    @contextmanager
    def _worded(self) -> Iterator[None]:
        # The command line gets clap's words; a program embedding the library gets errors
        # that name the `Overrides` field it set.
        try:
            yield
        except ConfigError as error:
            if self.overrides.command_line:
                raise
            raise ConfigError(library_wording(str(error))) from None

    def layer(self) -> Layer:
        """The flags as a layer."""
        with self._worded():
            return self._layer()

    def _layer(self) -> Layer:
        o = self.overrides
        inputs = _Inputs(
            keyring_provider=o.keyring_provider,
            indexes=o.index,
            default_index=o.default_index,
            index_url=o.index_url,
            extra_index_url=o.extra_index_url,
            find_links=o.find_links,
            no_index=o.no_index,
            where={
                key: f"cli --{key.replace('_', '-')}"
                for key in (
                    "keyring_provider",
                    "index",
                    "default_index",
                    "index_url",
                    "extra_index_url",
                    "find_links",
                    "no_index",
                )
            },
        )
        return _command_line_layer(Origin.CLI, inputs, self.cwd)


class EnvOrigin:
    """uv's environment variables. A flag given on the command line replaces its variable."""

    def __init__(self, env: Mapping[str, str], overrides: Overrides, cwd: Path) -> None:
        self.env = env
        self.overrides = overrides
        self.cwd = cwd

    def _get(self, name: str, flag_given: bool) -> str | None:
        return None if flag_given else self.env.get(name)

    def _split(self, name: str, flag_given: bool, separator: str | None) -> list[str]:
        # Empty parts are dropped (`,,`), as uv drops them.
        value = self._get(name, flag_given)
        if not value:
            return []
        return [part for part in value.split(separator) if part.strip()]

    def boolish(self, name: str) -> bool | None:
        """A boolish variable; a bad value is uv's error naming the variable."""
        value = self.env.get(name)
        return None if value is None else parse_boolish(name, value)

    def no_config(self) -> bool:
        """`UV_NO_CONFIG`, parsed by clap (its own wording for a bad value)."""
        value = self.env.get(names.UV_NO_CONFIG)
        if value is None:
            return False
        lowered = value.lower()
        if lowered not in names.BOOLISH_TRUE | names.BOOLISH_FALSE:
            raise invalid_value(value, "--no-config", "value was not a boolean")
        return lowered in names.BOOLISH_TRUE

    def config_file(self) -> str | None:
        """`UV_CONFIG_FILE` (clap: an empty value is an error)."""
        value = self.env.get(names.UV_CONFIG_FILE)
        if value == "":
            raise invalid_choice("", "--config-file <CONFIG_FILE>", ())
        return value

    def features(self) -> tuple[str, ...]:
        """`UV_PREVIEW_FEATURES`, unless `--preview-features` was given."""
        value = self._get(names.UV_PREVIEW_FEATURES, bool(self.overrides.preview_features))
        return () if value is None else split_cli_values([value])

    def layer(self) -> Layer:
        """The variables as a layer."""
        o = self.overrides
        default_index = self._get(names.UV_DEFAULT_INDEX, o.default_index is not None)
        index_url = self._get(names.UV_INDEX_URL, o.index_url is not None)
        inputs = _Inputs(
            keyring_provider=self._get(names.UV_KEYRING_PROVIDER, o.keyring_provider is not None),
            indexes=self._split(names.UV_INDEX, bool(o.index), None),
            raw_index=self._get(names.UV_INDEX, bool(o.index)),
            default_index=default_index or None,
            index_url=index_url or None,
            extra_index_url=self._split(names.UV_EXTRA_INDEX_URL, bool(o.extra_index_url), None),
            find_links=self._split(names.UV_FIND_LINKS, bool(o.find_links), ","),
            where={
                "keyring_provider": f"env {names.UV_KEYRING_PROVIDER}",
                "index": f"env {names.UV_INDEX}",
                "default_index": f"env {names.UV_DEFAULT_INDEX}",
                "index_url": f"env {names.UV_INDEX_URL}",
                "extra_index_url": f"env {names.UV_EXTRA_INDEX_URL}",
                "find_links": f"env {names.UV_FIND_LINKS}",
            },
        )
        return _command_line_layer(Origin.ENV, inputs, self.cwd)


class LoadedFile:
    """One loaded configuration file (project, user, system or `--config-file`)."""

    def __init__(self, file: FileOptions, origin: Origin) -> None:
        self.file = file
        self.origin = origin

    def _location(self, value: str) -> str:
        try:
            return _location(value, self.file.path.parent)
        except ValueError as error:
            raise ConfigError(
                mask_text(
                    f"Failed to parse: `{self.file.path}`\n  cause: invalid index "
                    f"location `{value}`: {error}"
                )
            ) from None

    def _indexes(
        self,
        urls: Sequence[str] | None,
        key: tuple[str, ...],
        *,
        default: bool = False,
        flat: bool = False,
    ) -> list[WithOrigin]:
        fmt = IndexFormat.FLAT if flat else IndexFormat.SIMPLE
        return [
            (
                IndexSettings(
                    url=self._location(url), default=default, format=fmt, origin=self.origin
                ),
                self.file.where(*key, position),
            )
            for position, url in enumerate(urls or ())
        ]

    def paths(self) -> list[str]:
        """The file, and the `pyproject.toml` whose `[tool.keyring-policy]` it carries."""
        tool_file = self.file.tool_where.rpartition(":")[0]
        extra = [tool_file] if tool_file and tool_file != str(self.file.path) else []
        return [str(self.file.path), *extra]

    def layer(self) -> Layer:
        """The file as a layer (`[tool.keyring-policy]` beats `[tool.uv]` in its file)."""
        options = self.file.options
        where = self.file.where
        layer = Layer(self.origin)
        if options.keyring_provider is not None:
            layer.keyring_provider = (options.keyring_provider, where("keyring-provider"))
        preview = options.preview_value()
        if preview is not None:
            key = "preview" if options.preview is not None else "preview-features"
            layer.preview = (preview, where(key))
        for position, index in enumerate(options.index or ()):
            settings = IndexSettings(
                name=index.name,
                url=self._location(index.url),
                default=index.default,
                explicit=index.explicit,
                format=index.format,
                authenticate=index.authenticate,
                keyring=index.keyring,
                publish_url=index.publish_url,
                ignore_error_codes=tuple(index.ignore_error_codes)
                if index.ignore_error_codes is not None
                else None,
                origin=self.origin,
            )
            layer.index.append((settings, where("index", position)))
        layer.extra_index_url = self._indexes(options.extra_index_url, ("extra-index-url",))
        urls = self._indexes(
            [options.index_url] if options.index_url else [], ("index-url",), default=True
        )
        layer.index_url = urls[0] if urls else None
        layer.find_links = self._indexes(options.find_links, ("find-links",), flat=True)
        if options.no_index is not None:
            layer.no_index = (options.no_index, where("no-index"))
        pip = options.pip
        if pip is not None:
            if pip.keyring_provider is not None:
                layer.pip_keyring_provider = (
                    pip.keyring_provider,
                    where("pip", "keyring-provider"),
                )
            layer.pip_extra_index_url = self._indexes(
                pip.extra_index_url, ("pip", "extra-index-url")
            )
            urls = self._indexes(
                [pip.index_url] if pip.index_url else [], ("pip", "index-url"), default=True
            )
            layer.pip_index_url = urls[0] if urls else None
            layer.pip_find_links = self._indexes(pip.find_links, ("pip", "find-links"), flat=True)
            if pip.no_index is not None:
                layer.pip_no_index = (pip.no_index, where("pip", "no-index"))
        tool = self.file.tool
        if tool is not None and tool.keyring_provider is not None:
            layer.keyring_provider = (tool.keyring_provider, self.file.tool_where)
            layer.pip_keyring_provider = layer.keyring_provider
        return layer


def _first(values: Sequence[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _files_view(files: Sequence[Layer], pip: bool) -> Layer:
    """The files merged first (uv's `Combine`), then `[pip]` applied over top-level in pip mode."""
    merged = Layer(Origin.PROJECT)
    merged.keyring_provider = _first([f.keyring_provider for f in files])
    merged.preview = _first([f.preview for f in files])
    merged.index = [item for f in files for item in f.index]
    merged.extra_index_url = [item for f in files for item in f.extra_index_url]
    merged.index_url = _first([f.index_url for f in files])
    merged.find_links = [item for f in files for item in f.find_links]
    merged.no_index = _first([f.no_index for f in files])
    if pip:
        pip_provider = _first([f.pip_keyring_provider for f in files])
        merged.keyring_provider = pip_provider or merged.keyring_provider
        merged.extra_index_url = [i for f in files for i in f.pip_extra_index_url] + (
            merged.extra_index_url
        )
        merged.index_url = _first([f.pip_index_url for f in files]) or merged.index_url
        merged.find_links = [i for f in files for i in f.pip_find_links] + merged.find_links
        merged.no_index = _first([f.pip_no_index for f in files]) or merged.no_index
    return merged


def search_order(indexes: Sequence[WithOrigin]) -> list[WithOrigin]:
    """uv's `IndexLocations::indexes`: names deduplicated (first wins), defaults last."""
    seen: set[str] = set()
    regular: list[WithOrigin] = []
    defaults: list[WithOrigin] = []
    for item in indexes:
        index = item[0]
        if index.name is not None:
            if index.name in seen:
                continue
            seen.add(index.name)
        (defaults if index.default else regular).append(item)
    return regular + defaults


def _ordered_indexes(cli: Layer, env: Layer, files: Layer, pip: bool) -> list[WithOrigin]:
    # `EnvOrigin` already dropped every variable whose flag was given (clap's `env =`), so the
    # command-line level is the two layers side by side.
    index = [*cli.index, *env.index]
    extra = [*cli.extra_index_url, *env.extra_index_url]
    url = cli.index_url or env.index_url
    if pip:
        simple = [
            *index,
            *extra,
            *([url] if url else []),
            *files.index,
            *files.extra_index_url,
            *([files.index_url] if files.index_url else []),
        ]
    else:
        chosen = url or files.index_url
        simple = [
            *index,
            *files.index,
            *extra,
            *files.extra_index_url,
            *([chosen] if chosen else []),
        ]
    flat = [*cli.find_links, *env.find_links, *files.find_links]
    return [*search_order(simple), *flat]


class ConfigFileOrigin:
    """`--config-file` / `UV_CONFIG_FILE`: only this file, read as a `uv.toml`."""

    def __init__(self, path: Path, cwd: Path, given: str | None = None) -> None:
        self.path = path
        self.cwd = cwd
        self.given = str(path) if given is None else given
        self.warnings: list[str] = []

    def files(self) -> list[LoadedFile]:
        """The file, loaded (uv warns about a `pyproject.toml` before it reads it)."""
        if self.path.name == "pyproject.toml":
            self.warnings.append(CONFIG_FILE_WARNING)
        try:
            file = load_uv_toml(self.path, self.cwd, self.given)
        except ConfigError as error:
            error.warnings = (*self.warnings, *error.warnings)
            raise
        return [LoadedFile(file, Origin.CONFIG_FILE)]


class ProjectFileOrigin:
    """The project's `uv.toml` or `[tool.uv]`, found by uv's walk from the workspace root."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.warnings: list[str] = []

    def files(self) -> list[LoadedFile]:
        """The project file, if the walk finds one (its warnings are kept)."""
        found = find_project_file(workspace_start(self.cwd), self.cwd)
        self.warnings.extend(found.warnings)
        return [LoadedFile(found.file, Origin.PROJECT)] if found.file else []


class UserFileOrigin:
    """`$XDG_CONFIG_HOME/uv/uv.toml` (or `~/.config/uv/uv.toml`)."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.warnings: list[str] = []

    def files(self) -> list[LoadedFile]:
        """The user file, if it exists."""
        file = load_optional(user_config_file(self.env), self.cwd)
        return [LoadedFile(file, Origin.USER)] if file else []


class SystemFileOrigin:
    """The first `uv/uv.toml` in `$XDG_CONFIG_DIRS`, else `/etc/uv/uv.toml`."""

    def __init__(self, env: Mapping[str, str], cwd: Path, enabled: bool) -> None:
        self.env = env
        self.cwd = cwd
        self.enabled = enabled
        self.warnings: list[str] = []

    def files(self) -> list[LoadedFile]:
        """The system file, unless `UV_NO_SYSTEM_CONFIG` or it does not exist."""
        if not self.enabled:
            return []
        file = load_optional(system_config_file(self.env), self.cwd)
        return [LoadedFile(file, Origin.SYSTEM)] if file else []


FileOrigin = ConfigFileOrigin | ProjectFileOrigin | UserFileOrigin | SystemFileOrigin


def file_origins(overrides: Overrides, environment: EnvOrigin, cwd: Path) -> tuple[FileOrigin, ...]:
    """The file origins to read, highest priority first."""
    config_file = overrides.config_file or environment.config_file()
    if config_file is not None:
        return (ConfigFileOrigin((cwd / config_file).absolute(), cwd, config_file),)
    if overrides.no_config or environment.no_config():
        return ()
    system = not environment.boolish(names.UV_NO_SYSTEM_CONFIG)
    env = environment.env
    return (ProjectFileOrigin(cwd), UserFileOrigin(env, cwd), SystemFileOrigin(env, cwd, system))


def _check_directory(path: Path, command_line: bool) -> None:
    """uv's error for a `--directory` that is missing or not a directory (uv cannot enter it)."""
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
        code, reason = errno.ENOTDIR, os.strerror(errno.ENOTDIR)
    except OSError as error:
        is_dir, code, reason = False, error.errno or 0, error.strerror or "cannot be read"
    if is_dir:
        return
    name = "`--directory`" if command_line else "`Overrides.directory`"
    raise ConfigError(f"{reason} (os error {code})\n  hint: {name} is `{mask_text(str(path))}`")


def load_settings(
    overrides: Overrides | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings as uv does; raises `ConfigError` with uv's message (no `error: `).

    Defaults: no overrides, `os.environ`, the current directory (read here, once).
    """
    if overrides is None:
        overrides = Overrides()
    if env is None:
        env = dict(os.environ)
    if cwd is None:
        cwd = Path.cwd()
    if overrides.directory is not None:
        cwd = cwd / overrides.directory
        _check_directory(cwd, overrides.command_line)
    cwd = cwd.absolute()
    warnings: list[str] = []
    flags = CliOrigin(overrides, cwd)
    environment = EnvOrigin(env, overrides, cwd)
    cli = flags.layer()
    env_layer = environment.layer()
    env_preview = environment.boolish(names.UV_PREVIEW)
    cli_features = flags.features()
    features = cli_features or environment.features()
    loaded: list[LoadedFile] = []
    for origin in file_origins(overrides, environment, cwd):
        files_of_origin = origin.files()
        loaded += files_of_origin
        warnings += origin.warnings
        warnings += [w for file in files_of_origin for w in file.file.warnings]
    files = _files_view([file.layer() for file in loaded], overrides.pip)

    origins: dict[str, str] = {}
    provider = _first([cli.keyring_provider, env_layer.keyring_provider, files.keyring_provider])
    if provider is not None:
        origins["keyring_provider"] = provider[1]
    preview_config = files.preview
    resolved = resolve_preview(
        cli=overrides.preview,
        env_preview=env_preview,
        config=preview_config[0] if preview_config else None,
        features=features,
    )
    warnings.extend(resolved.warnings)
    preview_where = {
        "cli": "cli --preview" if overrides.preview else "cli --no-preview",
        "env-preview": f"env {names.UV_PREVIEW}",
        "config": preview_config[1] if preview_config else "",
        "features": "cli --preview-features"
        if cli_features
        else f"env {names.UV_PREVIEW_FEATURES}",
    }.get(resolved.decided_by)
    if preview_where:
        origins["preview"] = preview_where

    indexes = _ordered_indexes(cli, env_layer, files, overrides.pip)
    no_index = _first([cli.no_index, env_layer.no_index, files.no_index])
    if no_index is not None:
        origins["no_index"] = no_index[1]
        if no_index[0]:
            indexes = [item for item in indexes if item[0].format is IndexFormat.FLAT]
    for position, (_, where) in enumerate(indexes):
        origins[f"indexes[{position}]"] = where
    # `uv pip` commands never read sources; project commands always do (even --no-config).
    pins = Pins({}, {}) if overrides.pip else load_pins(cwd)
    for project, where in pins.where.items():
        origins[f"pins.{project}"] = where

    return Settings(
        keyring_provider=provider[0] if provider else KeyringProvider.DISABLED,
        preview=resolved.preview,
        indexes=tuple(index for index, _ in indexes),
        no_index=bool(no_index and no_index[0]),
        pins=pins.pins,
        config_files=tuple(path for file in loaded for path in file.paths()),
        sources=origins,
        warnings=tuple(warnings),
    )
