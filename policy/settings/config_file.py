"""Reading one configuration file: TOML, uv's key checks, the models, uv-style errors.

A `uv.toml`-schema file (project `uv.toml`, user, system, `--config-file`) that fails is a hard
`ConfigError`; a `pyproject.toml` whose `[tool.uv]` fails is skipped with uv's warning. The
problem reported is the first one in document order, as uv's deserializer meets it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from policy._compat import tomllib
from policy.errors import ConfigError
from policy.redact import mask_text
from policy.settings.file_models import (
    PIP_KEYS,
    PROJECT_ONLY_KEYS,
    TOOL_KEYS,
    UV_KEYS,
    ElementError,
    IndexOptions,
    KeyringPolicyOptions,
    SpanlessError,
    UvOptions,
    describe,
    field_names,
)
from policy.settings.toml_errors import discovery_warning, file_error, render_excerpt, syntax_error
from policy.settings.toml_spans import PathKey, Span, Spans, scan

TOOL_UV: PathKey = ("tool", "uv")
TOOL_POLICY: PathKey = ("tool", "keyring-policy")


class FileOptions(NamedTuple):
    """One loaded file: its validated options and where each key sits."""

    path: Path
    options: UvOptions
    spans: Spans
    prefix: PathKey
    tool: KeyringPolicyOptions | None = None
    tool_where: str = ""
    warnings: tuple[str, ...] = ()

    def where(self, *keys: str | int, prefix: PathKey | None = None) -> str:
        """`PATH:LINE` of a key, for provenance (never its value)."""
        span = self.spans.key((*(self.prefix if prefix is None else prefix), *keys))
        return f"{self.path}:{span.line}" if span else str(self.path)


class _Problem(NamedTuple):
    span: Span | None
    message: str

    def order(self) -> tuple[int, int]:
        return (self.span.line, self.span.column) if self.span else (1 << 30, 0)


def display_path(path: Path, cwd: Path) -> str:
    """uv's `user_display`: relative to the working directory when below it."""
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _expected(names: tuple[str, ...]) -> str:
    quoted = [f"`{name}`" for name in names]
    if not quoted:
        return "there are no fields"
    if len(quoted) == 1:
        return f"expected {quoted[0]}"
    if len(quoted) == 2:
        return f"expected {quoted[0]} or {quoted[1]}"
    return "expected one of " + ", ".join(quoted)


def _unknown_keys(
    table: object, allowed: tuple[str, ...], path: PathKey, spans: Spans
) -> list[_Problem]:
    if not isinstance(table, dict):
        return []
    return [
        _Problem(spans.key((*path, key)), f"unknown field `{key}`, {_expected(allowed)}")
        for key in table
        if key not in allowed
    ]


def unknown_index_keys(data: object, prefix: PathKey, spans: Spans, shown: str) -> tuple[str, ...]:
    """A warning per unknown key inside an `[[index]]` table, with the closest known key.

    uv ignores these keys and so do we (the file stays valid), but a typo such as `keyrng`
    silently drops a safety setting, so the user is told.
    """
    indexes = data.get("index") if isinstance(data, dict) else None
    if not isinstance(indexes, list):
        return ()
    known = tuple(field_names(IndexOptions))
    warnings = []
    for position, table in enumerate(indexes):
        if not isinstance(table, dict):
            continue
        for key in table:
            if key in known:
                continue
            span = spans.key((*prefix, "index", position, key))
            where = f"{shown}:{span.line}" if span else shown
            import difflib  # only for a misspelt key: every start-up would pay for it

            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            warnings.append(
                mask_text(f"Ignoring unknown key `{key}` in `[[index]]` at {where}{hint}")
            )
    return tuple(warnings)


def _enum_values(error: dict[str, Any]) -> tuple[str, ...]:
    expected = str(error.get("ctx", {}).get("expected", ""))
    return tuple(
        part.strip().strip("'") for part in expected.replace(" or ", ",").split(",") if part.strip()
    )


_EXPECTED = {
    "bool_type": "a boolean",
    "string_type": "a string",
    "list_type": "a sequence",
    "int_type": "u16",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
}


def _problem(error: dict[str, Any], prefix: PathKey, spans: Spans) -> _Problem:
    loc: PathKey = tuple(error["loc"])
    path = (*prefix, *loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return _Problem(spans.header(path[:-1]), f"missing field `{loc[-1]}`")
    if kind == "enum":
        if not isinstance(value, str):
            return _Problem(spans.value(path), "wanted string or table")
        message = f"unknown variant `{value}`, {_expected(_enum_values(error))}"
        return _Problem(spans.value(path), message)
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, SpanlessError):
            return _Problem(None, str(cause))
        if isinstance(cause, ElementError):
            return _Problem(spans.value((*path, cause.index)), str(cause))
        where = spans.header(path) if loc and isinstance(loc[-1], int) else spans.value(path)
        return _Problem(where, str(cause) if cause is not None else error["msg"])
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return _Problem(spans.value(path), f"invalid type: {describe(value)}, expected {expected}")
    return _Problem(spans.value(path), str(error["msg"]))


def _validate(
    model: type[BaseModel], data: object, prefix: PathKey, spans: Spans, extra: list[_Problem]
) -> tuple[BaseModel | None, list[_Problem]]:
    problems = list(extra)
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        problems.extend(_problem(dict(item), prefix, spans) for item in error.errors())
        return None, problems
    return result, problems


def _check_uv(
    data: object, prefix: PathKey, spans: Spans, text: str
) -> tuple[UvOptions | None, str | None]:
    """Validate one `uv.toml` document or `[tool.uv]` table; the cause text on failure."""
    problems = _unknown_keys(data, UV_KEYS, prefix, spans)
    if isinstance(data, dict) and isinstance(data.get("pip"), dict):
        problems += _unknown_keys(data["pip"], PIP_KEYS, (*prefix, "pip"), spans)
    model, problems = _validate(UvOptions, data, prefix, spans, problems)
    if problems:
        return None, _cause(problems, text)
    assert isinstance(model, UvOptions)
    return model, None


def _cause(problems: list[_Problem], text: str) -> str:
    first = min(problems, key=_Problem.order)
    if first.span is None:
        return first.message
    return render_excerpt(text, first.span, first.message)


def _parse(path: Path, text: str) -> tuple[dict[str, Any] | None, Spans | None, str | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, None, syntax_error(text, error)
    except RecursionError:
        return None, None, "TOML parse error: the document is nested too deeply"
    return data, scan(text), None


def _os_error(error: OSError) -> str:
    # Rust's `io::Error` display, which uv prints.
    return f"{error.strerror} (os error {error.errno})" if error.strerror else str(error)


def read_text(path: Path, shown: str | None = None) -> str:
    """A configuration file's text; unreadable files are a `ConfigError` in uv's words.

    `shown` is the path as uv prints it (as given for `--config-file`, else absolute).
    """
    shown = str(path) if shown is None else shown
    try:
        data = path.read_bytes()
    except IsADirectoryError as error:
        # uv opens a directory fine and fails to read it.
        raise ConfigError(f"failed to read from file `{shown}`: {_os_error(error)}") from None
    except OSError as error:
        raise ConfigError(f"failed to open file `{shown}`: {_os_error(error)}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"failed to read from file `{shown}`: stream did not contain valid UTF-8"
        ) from None


def load_uv_toml(path: Path, cwd: Path, given: str | None = None) -> FileOptions:
    """A `uv.toml`-schema file; any problem is a hard `ConfigError` in uv's words.

    `given` is the path as the user gave it (`--config-file`), which read errors quote.
    """
    text = read_text(path, given)
    shown = display_path(path, cwd)
    data, spans, cause = _parse(path, text)
    if cause is not None or data is None or spans is None:
        raise file_error(shown, cause or "")
    options, cause = _check_uv(data, (), spans, text)
    if options is None:
        raise file_error(shown, cause or "")
    for key in PROJECT_ONLY_KEYS:
        if key in data:
            raise ConfigError(
                f"Failed to parse `{shown}`. The `{key}` field is not allowed in a `uv.toml` "
                f"file. `{key}` is only applicable in the context of a project, and should be "
                "placed in a `pyproject.toml` file instead."
            )
    return FileOptions(
        path=path,
        options=options,
        spans=spans,
        prefix=(),
        warnings=unknown_index_keys(data, (), spans, shown),
    )


class PyprojectResult(NamedTuple):
    """What discovery learns from one `pyproject.toml`."""

    file: FileOptions | None  # None: no usable `[tool.uv]` (skipped)
    warning: str | None = None
    tool_uv_keys: tuple[str, ...] = ()  # the keys `[tool.uv]` sets, for the masking warning


def load_pyproject(path: Path, cwd: Path) -> PyprojectResult:
    """A project `pyproject.toml`: skipped without `[tool.uv]`, warned about when broken."""
    text = read_text(path)
    shown = display_path(path, cwd)
    data, spans, cause = _parse(path, text)
    if data is None or spans is None:
        return PyprojectResult(None, discovery_warning(shown, cause or ""))
    tool = data.get("tool")
    if not isinstance(tool, dict) or "uv" not in tool:
        return PyprojectResult(None)
    table = tool["uv"]
    keys = tuple(
        key
        for key in UV_KEYS
        if isinstance(table, dict) and key in table and key not in PROJECT_ONLY_KEYS
    )
    options, cause = _check_uv(table, TOOL_UV, spans, text)
    policy = _check_tool(tool.get("keyring-policy"), spans, text)
    if options is None:
        return PyprojectResult(None, discovery_warning(shown, cause or ""), keys)
    if isinstance(policy, str):
        raise file_error(shown, policy)
    span = spans.key((*TOOL_POLICY, "keyring-provider"))
    where = f"{path}:{span.line}" if span else str(path)
    return PyprojectResult(
        FileOptions(
            path=path,
            options=options,
            spans=spans,
            prefix=TOOL_UV,
            tool=policy,
            tool_where=where,
            warnings=unknown_index_keys(table, TOOL_UV, spans, shown),
        ),
        None,
        keys,
    )


def _check_tool(table: object, spans: Spans, text: str) -> KeyringPolicyOptions | str | None:
    # Our own table: uv never reads it, so a mistake here is a hard error, not a skip.
    if table is None:
        return None
    problems = _unknown_keys(table, TOOL_KEYS, TOOL_POLICY, spans)
    model, problems = _validate(KeyringPolicyOptions, table, TOOL_POLICY, spans, problems)
    if problems:
        return _cause(problems, text)
    assert isinstance(model, KeyringPolicyOptions)
    return model
