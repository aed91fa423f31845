"""uv's `credentials.toml`: location, format, matching, atomic locked writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from policy._compat import tomllib
from policy.credentials.credentials_file import (
    CredentialsFile,
    ServiceUrl,
    credentials_dir,
    parse_entries,
)
from policy.errors import CredentialsFileError
from policy.provenance import CredentialSource
from policy.realm import is_path_prefix

SECRET = "store-S3cret-pw"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"UV_CREDENTIALS_DIR": "/c", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/c"),
        ({"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/uv/credentials"),
        ({"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/uv/credentials"),
        ({"UV_CREDENTIALS_DIR": "", "HOME": "/h"}, "/h/.local/share/uv/credentials"),
    ],
)
def test_credentials_dir(env: dict[str, str], expected: str) -> None:
    assert credentials_dir(env) == Path(expected)


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("example.com", "https://example.com/"),
        ("127.0.0.1:8080", "https://127.0.0.1:8080/"),
        ("https://Example.COM:443/simple", "https://example.com/simple"),
        ("http://localhost:3141/root/+simple/", "http://localhost:3141/root/+simple/"),
        ("https://u:p@example.com/x", "https://example.com/x"),
    ],
)
def test_service_parsing(raw: str, url: str) -> None:
    assert ServiceUrl.parse(raw).url == url


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("http://example.com", "HTTPS is required for non-local hosts"),
        ("ftp://example.com", "Unsupported scheme: ftp"),
        ("https://not a valid url", "invalid international domain name"),
    ],
)
def test_service_rejections(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        ServiceUrl.parse(raw)


def test_service_keeps_url_credentials_out_of_repr() -> None:
    parsed = ServiceUrl.parse(f"https://alice:{SECRET}@example.com/")
    assert parsed.username == "alice"
    assert SECRET not in repr(parsed)


@pytest.mark.parametrize(
    ("prefix", "path", "expected"),
    [
        ("/api", "/api", True),
        ("/api", "/api/v1", True),
        ("/api/", "/api/v1", True),
        ("/api", "/ap", False),
        ("/api", "/apiary", False),
        ("/api", "/api-v2", False),
        ("/api", "/", False),
        ("/", "/anything", True),
    ],
)
def test_is_path_prefix(prefix: str, path: str, expected: bool) -> None:
    assert is_path_prefix(prefix, path) is expected


def test_normalize_url() -> None:
    assert ServiceUrl.parse("HTTP://LOCALHOST:80").url == "http://localhost/"
    assert ServiceUrl.parse("https://h:8443/a?b=1#frag").url == "https://h:8443/a?b=1"


@pytest.fixture
def store(tmp_path: Path) -> CredentialsFile:
    return CredentialsFile(tmp_path / "creds")


def test_insert_writes_uv_format_atomically_0600(store: CredentialsFile) -> None:
    store.insert("http://127.0.0.1:8080/", "alice", SECRET)
    text = store.path.read_text()
    assert text == (
        '[[credential]]\nservice = "http://127.0.0.1:8080/"\nusername = "alice"\n'
        f'scheme = "basic"\npassword = "{SECRET}"\n'
    )
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.lock_path.exists()
    assert sorted(p.name for p in store.directory.iterdir()) == [
        "credentials.toml",
        "credentials.toml.lock",
    ]


def test_replace_same_service_and_username(store: CredentialsFile) -> None:
    store.insert("https://example.com/", "alice", "one")
    store.insert("https://example.com/", "bob", "two")
    store.insert("https://example.com/", "alice", SECRET)
    entries = CredentialsFile(store.directory).load()
    assert [(e.service, e.username) for e in entries] == [
        ("https://example.com/", "alice"),
        ("https://example.com/", "bob"),
    ]
    assert entries[0].password is not None
    assert entries[0].password.get_secret_value() == SECRET


def test_remove_and_empty_file(store: CredentialsFile) -> None:
    store.insert("https://example.com/", "alice", SECRET)
    assert store.remove("https://example.com/", "alice") is True
    assert store.remove("https://example.com/", "alice") is False
    assert store.path.read_text() == "credential = []\n"


def test_strange_characters_round_trip(store: CredentialsFile) -> None:
    password = 'q"uo\\te\ttab\nnl\x7f-\u00fc-\U0001f511'
    store.insert("https://example.com/", "\u00fcser", password)
    data = tomllib.loads(store.path.read_text())
    assert data["credential"][0]["password"] == password
    found = CredentialsFile(store.directory).get("https://example.com/", "\u00fcser")
    assert found is not None
    assert found.password_value == password


def _file(store: CredentialsFile, text: str) -> CredentialsFile:
    store.directory.mkdir(parents=True, exist_ok=True)
    store.path.write_text(text)
    return CredentialsFile(store.directory)


MATCHING = """
[[credential]]
service = "https://example.com/api"
username = "api-user"
password = "api"

[[credential]]
service = "https://example.com/api/v1"
username = "v1-user"
scheme = "basic"
password = "v1"

[[credential]]
service = "https://example.com:8080/"
username = "port-user"
password = "port"

[[credential]]
service = "https://bearer.example.com/"
scheme = "bearer"
token = "tok"
"""


@pytest.mark.parametrize(
    ("url", "username", "expected"),
    [
        ("https://example.com/api", None, "api-user"),
        ("https://example.com/api/x", None, "api-user"),
        ("https://example.com:443/api/x", None, "api-user"),
        ("https://example.com/api/v1/pkg/", None, "v1-user"),
        ("https://example.com/api/v1/pkg/", "api-user", "api-user"),
        ("https://example.com/api/v1/pkg/", "nobody", None),
        ("https://example.com/apiary", None, None),
        ("https://example.com/", None, None),
        ("http://example.com/api", None, None),
        ("https://example.com:8080/anything", None, "port-user"),
        ("https://other.example.com/api", None, None),
        ("https://bearer.example.com/", None, None),
    ],
)
def test_prefix_and_realm_matching(
    store: CredentialsFile, url: str, username: str | None, expected: str | None
) -> None:
    found = _file(store, MATCHING).get(url, username)
    assert (found.username if found else None) == expected
    if found is not None:
        assert found.source is CredentialSource.CREDENTIALS_FILE


def test_ambiguous_usernames_are_an_error(store: CredentialsFile) -> None:
    loaded = _file(
        store,
        """
[[credential]]
service = "https://example.com/"
username = "alice"
password = "a"

[[credential]]
service = "https://example.com/"
username = "bob"
password = "b"
""",
    )
    with pytest.raises(CredentialsFileError, match="Multiple credentials found for URL"):
        loaded.get("https://example.com/simple/")
    found = loaded.get("https://example.com/simple/", "bob")
    assert found is not None
    assert found.password_value == "b"


def test_bearer_entries_survive_a_rewrite(store: CredentialsFile) -> None:
    loaded = _file(store, MATCHING)
    loaded.insert("https://new.example.com/", "n", SECRET)
    assert 'scheme = "bearer"\ntoken = "tok"' in loaded.path.read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", None),
        ("# only a comment\n", None),
        (
            '[[credential]]\nservice = "https://e.com/"\npassword = "' + SECRET + '"\n',
            "`username` is required with `scheme = basic`",
        ),
        (
            '[[credential]]\nservice = "https://e.com/"\nusername = "u"\ntoken = "t"\n',
            "`token` cannot be provided with `scheme = basic`",
        ),
        (
            '[[credential]]\nservice = "https://e.com/"\nscheme = "bearer"\n',
            "`token` is required with `scheme = bearer`",
        ),
        (
            '[[credential]]\nservice = "https://e.com/"\nscheme = "bearer"\ntoken = "t"\n'
            'username = "u"\n',
            "`username` cannot be provided with `scheme = bearer`",
        ),
        (
            '[[credential]]\nservice = "https://e.com/"\nscheme = "bearer"\ntoken = "t"\n'
            'password = "p"\n',
            "`password` cannot be provided with `scheme = bearer`",
        ),
        ('[[credential]\npassword = "' + SECRET + '"\n', "Failed to parse TOML credential file"),
    ],
)
def test_file_validation(text: str, message: str | None) -> None:
    if message is None:
        assert parse_entries(text, Path("credentials.toml")) == []
        return
    with pytest.raises(CredentialsFileError, match=message) as caught:
        parse_entries(text, Path("credentials.toml"))
    assert SECRET not in str(caught.value)


def test_lookup_loads_once_per_instance(store: CredentialsFile) -> None:
    store.insert("https://example.com/", "alice", SECRET)
    reader = CredentialsFile(store.directory)
    assert reader.get("https://example.com/x", "alice") is not None
    os.remove(store.path)
    assert reader.get("https://example.com/x", "alice") is not None
    assert CredentialsFile(store.directory).get("https://example.com/x", "alice") is None


def test_reading_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    store = CredentialsFile(tmp_path / "nowhere")
    assert store.get("https://example.com/") is None
    assert not (tmp_path / "nowhere").exists()


def test_failed_write_leaves_the_old_file(
    store: CredentialsFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.insert("https://example.com/", "alice", SECRET)
    before = store.path.read_text()

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        store.insert("https://example.com/", "bob", "x")
    assert store.path.read_text() == before
    assert sorted(p.name for p in store.directory.iterdir()) == [
        "credentials.toml",
        "credentials.toml.lock",
    ]


def _insert_many(directory: str, worker: int, count: int) -> None:
    store = CredentialsFile(Path(directory))
    for n in range(count):
        store.insert(f"https://w{worker}.example.com/{n}", f"user{worker}", f"pw-{worker}-{n}")


def test_eight_processes_inserting_at_once_lose_nothing(tmp_path: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_insert_many, args=(str(tmp_path), w, 10)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    entries = CredentialsFile(tmp_path).load()
    assert len(entries) == 8 * 10
    assert len({(e.service, e.username) for e in entries}) == 8 * 10


TOKEN = "Bearer-s3cret-T0ken"


def test_a_bearer_entry_answers_a_lookup_without_a_username(store: CredentialsFile) -> None:
    # uv 0.13.9 reads `scheme = "bearer"` entries and sends `Authorization: Bearer <token>`;
    # an entry without a username cannot answer a lookup that names one.
    loaded = _file(
        store,
        f'[[credential]]\nservice = "https://pkgs.example.com/"\nscheme = "bearer"\n'
        f'token = "{TOKEN}"\n',
    )
    found = loaded.get("https://pkgs.example.com/simple/foo/")
    assert found is not None and found.is_authenticated
    assert found.username is None and found.password is None
    assert found.authorization_header() == f"Bearer {TOKEN}"
    assert TOKEN not in repr(found) and TOKEN not in str(found)
    assert repr(found) == (
        "Credentials(username=None, password=None, source='credentials-file', token='[secure]')"
    )
    assert loaded.get("https://pkgs.example.com/simple/foo/", "alice") is None
