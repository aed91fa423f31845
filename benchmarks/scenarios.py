"""The scenarios: one uv.toml each, shared by uv and keyring-policy, and pip's equivalent flags.

Keeping one configuration per scenario is the project's point: the same `uv.toml` drives uv
and the library; pip gets the nearest command-line equivalent, noted where it differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

PRIMARY = "primary"  # the index whose password the keyring holds
SECOND = "second"  # another authenticated index; nothing stored for it


@dataclass(frozen=True)
class IndexDef:
    """One index of a scenario, on one of the two local servers."""

    name: str
    server: str
    username: str | None = None
    embed_password: bool = False
    default: bool = False
    authenticate: str = "auto"
    ignore_error_codes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    indexes: tuple[IndexDef, ...]
    env_credentials: dict[str, str] = field(default_factory=dict)  # name -> server
    pip_note: str = ""


PIP_403 = (
    "pip sends `alice:` with an empty password first; pypiserver answers 403, and pip "
    "asks the keyring only after a 401, so pip needs the URL without the username here"
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "url-username",
        "username in the index URL, the keyring holds the password",
        (IndexDef("bench", PRIMARY, username="alice", default=True),),
        pip_note=PIP_403,
    ),
    Scenario(
        "second-index",
        "plus a second index searched first with nothing stored for it "
        "(ignore-error-codes = [401, 403] lets the search go on)",
        (
            IndexDef("team", SECOND, username="alice", ignore_error_codes=(401, 403)),
            IndexDef("bench", PRIMARY, username="alice", default=True),
        ),
        pip_note="pip: --extra-index-url (pip searches every index for every project); " + PIP_403,
    ),
    Scenario(
        "always-no-username",
        'no username anywhere; authenticate = "always" (keyring --mode creds)',
        (IndexDef("bench", PRIMARY, default=True, authenticate="always"),),
        pip_note="pip: plain index URL (pip has no `authenticate`; it asks the keyring "
        "without a username after a 401)",
    ),
    Scenario(
        "env-credentials",
        "no username in the URL; UV_INDEX_BENCH_USERNAME / _PASSWORD set",
        (IndexDef("bench", PRIMARY, default=True),),
        env_credentials={"bench": PRIMARY},
        pip_note="pip: password in the index URL (pip reads no per-index variables)",
    ),
)


def index_url(index: IndexDef, bases: dict[str, str], passwords: dict[str, str]) -> str:
    """The index URL as a user would write it (username, and a password only where meant)."""
    scheme, _, hostpath = bases[index.server].partition("://")
    userinfo = ""
    if index.username:
        userinfo = index.username
        if index.embed_password:
            userinfo += ":" + passwords[index.server]
        userinfo += "@"
    return f"{scheme}://{userinfo}{hostpath}/simple/"


def uv_toml(scenario: Scenario, bases: dict[str, str], passwords: dict[str, str]) -> str:
    """The scenario's uv.toml (read by uv `--config-file` and by `policy.settings.origins`)."""
    lines = ['keyring-provider = "subprocess"', ""]
    for index in scenario.indexes:
        lines += [
            "[[index]]",
            f'name = "{index.name}"',
            f'url = "{index_url(index, bases, passwords)}"',
        ]
        if index.default:
            lines.append("default = true")
        if index.authenticate != "auto":
            lines.append(f'authenticate = "{index.authenticate}"')
        if index.ignore_error_codes:
            lines.append(f"ignore-error-codes = {list(index.ignore_error_codes)}")
        lines.append("")
    return "\n".join(lines)


def credential_env(scenario: Scenario, passwords: dict[str, str]) -> dict[str, str]:
    """`UV_INDEX_<NAME>_USERNAME` / `_PASSWORD` for the scenario's env-credential indexes."""
    env = {}
    for name, server in scenario.env_credentials.items():
        stem = name.upper().replace("-", "_")
        env[f"UV_INDEX_{stem}_USERNAME"] = "alice"
        env[f"UV_INDEX_{stem}_PASSWORD"] = passwords[server]
    return env


def has_url_username(scenario: Scenario) -> bool:
    return any(index.username for index in scenario.indexes)


def pip_args(
    scenario: Scenario,
    bases: dict[str, str],
    passwords: dict[str, str],
    *,
    drop_username: bool = False,
) -> list[str]:
    """pip's flags: the default index as --index-url, the others as --extra-index-url."""
    args = []
    for index in scenario.indexes:
        if drop_username:
            index = replace(index, username=None)
        url = index_url(index, bases, passwords)
        if index.name in scenario.env_credentials:
            scheme, _, rest = url.partition("://")
            url = f"{scheme}://alice:{passwords[index.server]}@{rest}"
        args += ["--index-url" if index.default else "--extra-index-url", url]
    return args
