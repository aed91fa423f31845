"""Downloads: checked names, strongest hash, temporary file and rename, no silent replacement."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.errors import FetchError
from policy.fetch import download
from policy.fetch.limits import Limits
from policy.fetch.simple import ProjectFile

DATA = b"wheel-bytes" * 100
WHEEL = "peerpkg-1.0-py3-none-any.whl"


def _client(data: bytes = DATA, status: int = 200) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(status, content=data))
    )


def _get(
    dest: Path, name: str = WHEEL, hashes: dict[str, str] | None = None, overwrite: bool = False
) -> download.Downloaded:
    file = ProjectFile(name, f"https://h/{name}", hashes or {})
    with _client() as client:
        return download.download(
            client, file, dest, io.StringIO(), project="PeerPkg", overwrite=overwrite
        )


@pytest.mark.parametrize(
    "name",
    [
        WHEEL,
        "peerpkg-1.0.tar.gz",
        "PeerPkg-2.0rc1.zip",
        "peer_pkg-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl".replace("peer_pkg", "peerpkg"),
        "../../peerpkg-1.0.tar.gz",
    ],
)
def test_distribution_names_of_the_project_are_accepted(name: str) -> None:
    assert download.check_filename(name, "peerpkg") == name.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (".bashrc", "hidden file"),
        ("sitecustomize.py", "not a wheel or sdist file name of `peerpkg`"),
        ("peerpkg-1.0.tar.gz\n", "control characters"),
        ("peerpkg-1.0\x1b[31m.tar.gz", "control characters"),
        ("peerpkg-1.0\x00.tar.gz", "control characters"),
        ("peerpkg-1.0\\..\\x.tar.gz", "path separator"),
        ("peerpkg-" + "1" * 300 + ".tar.gz", "longer than 255 bytes"),
        ("other-1.0.tar.gz", "belongs to `other`, not `peerpkg`"),
        ("peerpkg-1.0-py3-none-any.whl.exe", "not a wheel or sdist"),
        ("peerpkg-notaversion.tar.gz", "not a wheel or sdist"),
        ("", "empty"),
        ("dir/", "empty"),
    ],
)
def test_bad_names_are_refused_by_name_escaped(name: str, why: str) -> None:
    with pytest.raises(FetchError) as error:
        download.check_filename(name, "peerpkg")
    message = str(error.value)
    assert why in message
    assert message.isprintable()


@given(st.text(max_size=40))
def test_an_accepted_name_is_always_a_plain_file_name(name: str) -> None:
    try:
        accepted = download.check_filename(name, "peerpkg")
    except FetchError as error:
        assert str(error).isprintable()
        return
    assert accepted.isprintable() and "/" not in accepted and "\\" not in accepted
    assert not accepted.startswith(".") and len(accepted.encode()) <= 255


def test_the_strongest_hash_is_chosen_case_insensitively() -> None:
    assert download.choose_hash({"SHA256": "AB", "md5": "x"}) == ("sha256", "ab")
    assert download.choose_hash({"sha256": "a", "Sha512": "b", "sha384": "c"}) == ("sha512", "b")
    assert download.choose_hash({"md5": "x", "sha1": "y"}) is None
    assert download.choose_hash({}) is None


def test_download_checks_an_upper_case_hash_and_is_atomic(tmp_path: Path) -> None:
    good = {"SHA256": hashlib.sha256(DATA).hexdigest().upper()}
    result = _get(tmp_path, hashes=good)
    assert (result.outcome, result.algorithm, result.size) == ("downloaded", "sha256", len(DATA))
    assert (tmp_path / WHEEL).read_bytes() == DATA
    with pytest.raises(FetchError, match=r"Hash mismatch .* \(sha512\)"):
        _get(tmp_path, "peerpkg-1.0.tar.gz", {"sha256": good["SHA256"], "SHA512": "00"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [WHEEL]


def test_md5_only_is_unverified_and_require_hashes_refuses_it(tmp_path: Path) -> None:
    progress = io.StringIO()
    file = ProjectFile(WHEEL, f"https://h/{WHEEL}", {"md5": hashlib.md5(DATA).hexdigest()})
    with _client() as client:
        result = download.download(client, file, tmp_path, progress, project="peerpkg")
        assert not result.verified and "unverified" in progress.getvalue()
        with pytest.raises(FetchError, match="--require-hashes"):
            download.download(
                client, file, tmp_path / "strict", progress, project="peerpkg", require_hashes=True
            )
    assert not (tmp_path / "strict").exists()


def test_same_content_is_already_there_different_content_needs_overwrite(tmp_path: Path) -> None:
    (tmp_path / WHEEL).write_bytes(DATA)
    assert _get(tmp_path).outcome == "already-there"
    (tmp_path / WHEEL).write_bytes(b"mine")
    with pytest.raises(FetchError, match="already exists and is a file with different content"):
        _get(tmp_path)
    assert (tmp_path / WHEEL).read_bytes() == b"mine"
    assert _get(tmp_path, overwrite=True).outcome == "replaced"
    assert (tmp_path / WHEEL).read_bytes() == DATA
    assert sorted(p.name for p in tmp_path.iterdir()) == [WHEEL]


def test_a_symlink_or_directory_in_the_way_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / WHEEL).symlink_to(victim)
    with pytest.raises(FetchError, match="already exists and is a symlink"):
        _get(dest)
    assert _get(dest, overwrite=True).outcome == "replaced"
    assert victim.read_bytes() == b"precious" and not (dest / WHEEL).is_symlink()
    (dest / "peerpkg-1.0.tar.gz").mkdir()
    with pytest.raises(FetchError, match=r"is a directory$"):
        _get(dest, "peerpkg-1.0.tar.gz", overwrite=True)
    assert sorted(p.name for p in dest.iterdir()) == sorted(["peerpkg-1.0.tar.gz", WHEEL])


def test_two_files_of_one_name_never_overwrite_each_other(tmp_path: Path) -> None:
    files = [
        ProjectFile(WHEEL, "https://a/x/" + WHEEL),
        ProjectFile(WHEEL, "https://b/y/" + WHEEL),
    ]
    bodies = {"a": b"one", "b": b"two"}
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=bodies[r.url.host]))
    with httpx.Client(transport=transport) as client, pytest.raises(FetchError, match="already"):
        download.download_all(
            client, files, tmp_path, io.StringIO(), project="peerpkg", overwrite=True
        )
    assert (tmp_path / WHEEL).read_bytes() == b"one"


def test_a_failed_download_leaves_nothing(tmp_path: Path) -> None:
    with _client(status=401) as client, pytest.raises(FetchError, match="401"):
        download.download(
            client, ProjectFile(WHEEL, "https://h/x"), tmp_path, io.StringIO(), project="peerpkg"
        )
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_destination_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(FetchError, match="Cannot write to the destination"):
        _get(blocker / "sub")
    assert os.listdir(tmp_path) == ["file"]


def _local(source: Path, dest: Path, *, limits: Limits | None = None) -> download.Downloaded:
    # A file of a local `find-links` directory: its page link is a `file:` URL, no hash.
    with _client(status=500) as client:  # the network is never asked
        return download.download(
            client,
            ProjectFile(source.name, source.as_uri()),
            dest,
            io.StringIO(),
            project="peerpkg",
            limits=limits,
        )


def test_a_local_find_links_file_is_copied_unverified(tmp_path: Path) -> None:
    source = tmp_path / "wheels" / WHEEL
    source.parent.mkdir()
    source.write_bytes(DATA)
    result = _local(source, tmp_path / "dest")
    assert result.outcome is download.Outcome.DOWNLOADED and not result.verified
    assert (tmp_path / "dest" / WHEEL).read_bytes() == DATA
    assert os.listdir(tmp_path / "dest") == [WHEEL]  # no temporary file left behind


def test_a_local_fifo_is_refused_never_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / WHEEL
    os.mkfifo(fifo)  # nobody writes: reading it would wait for ever
    with pytest.raises(FetchError, match="not a regular file"):
        _local(fifo, tmp_path / "dest")
    assert os.listdir(tmp_path / "dest") == []


def test_a_local_file_over_the_size_bound_is_refused(tmp_path: Path) -> None:
    source = tmp_path / WHEEL
    source.write_bytes(DATA)
    small = Limits(download_bytes=len(DATA) - 1)
    with pytest.raises(FetchError, match="KEYRING_POLICY_MAX_DOWNLOAD_BYTES"):
        _local(source, tmp_path / "dest", limits=small)
    assert os.listdir(tmp_path / "dest") == []


def test_a_missing_local_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"Cannot read .*No such file"):
        _local(tmp_path / WHEEL, tmp_path / "dest")


def test_a_local_file_error_never_shows_credentials_of_its_link(tmp_path: Path) -> None:
    fifo = tmp_path / WHEEL
    os.mkfifo(fifo)
    link = f"file://alice:s3cr3t-pa55@{fifo}"  # userinfo in a page's file: link
    with _client() as client, pytest.raises(FetchError) as raised:
        download.download(
            client, ProjectFile(WHEEL, link), tmp_path / "dest", io.StringIO(), project="peerpkg"
        )
    assert "not a regular file" in str(raised.value)
    assert "s3cr3t-pa55" not in f"{raised.value} {raised.value.url} {raised.value!r}"
