"""The credentials cache (realm, URL-prefix trie, seeding) and single flight."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.credentials.values import Credentials
from policy.fetch.cache import CredentialsCache, SingleFlight
from policy.provenance import CredentialSource
from policy.realm import realm_key, split_origin
from policy.settings.models import IndexSettings

ALICE = Credentials.basic("alice", "pw-a", CredentialSource.ENV)
BOB = Credentials.basic("bob", "pw-b", CredentialSource.URL)


@pytest.mark.parametrize(
    ("url", "realm"),
    [
        ("https://h/simple/", "https://h"),
        ("https://h:443/x", "https://h"),
        ("http://h:80/", "http://h"),
        ("https://h:80/", "https://h:80"),
        ("http://u:p@H:8080/x", "http://h:8080"),
        ("http://[::1]:81/x", "http://[::1]:81"),
        ("http://h:notaport/x", "http://h:notaport"),
    ],
)
def test_realm_key(url: str, realm: str) -> None:
    assert realm_key(url) == realm


def test_trie_shallowest_prefix_wins_on_segment_boundaries() -> None:
    cache = CredentialsCache()
    cache.insert("https://h/a/b/", BOB)
    cache.insert("https://h/a/", ALICE)
    assert cache.get_url("https://h/a/b/c", None) == ALICE
    assert cache.get_url("https://h/a", None) == ALICE
    assert cache.get_url("https://h/ab", None) is None
    assert cache.get_url("https://other/a/", None) is None
    assert cache.get_url("http://h/a/", None) is None  # no scheme upgrade


def test_get_url_username_filter() -> None:
    cache = CredentialsCache()
    cache.insert("https://h/a/", ALICE)
    assert cache.get_url("https://h/a/x", "alice") == ALICE
    assert cache.get_url("https://h/a/x", "bob") is None


def test_realm_entries_by_username_and_bare_username_never_replaces() -> None:
    cache = CredentialsCache()
    cache.insert("https://h/x", ALICE)
    cache.insert("https://h/y", Credentials.basic("alice", None, CredentialSource.URL))
    assert cache.get_realm("https://h", "alice") == ALICE
    assert cache.get_realm("https://h", None) == ALICE
    assert cache.get_realm("https://h", "bob") is None
    only_name = CredentialsCache()
    only_name.insert("https://h/", Credentials.basic("carol", None, CredentialSource.URL))
    assert only_name.get_realm("https://h", "carol") is None  # asked for a password
    assert only_name.get_realm("https://h", None) is not None


def test_replace_stale_overwrites_a_wrong_seed_above() -> None:
    cache = CredentialsCache()
    wrong = Credentials.basic("alice", "WRONG", CredentialSource.ENV)
    cache.insert("https://h/", wrong)
    cache.insert("https://h/simple/p/", ALICE, replace_stale=True)
    assert cache.get_url("https://h/packages/x.whl", None) == ALICE


def test_empty_credentials_are_ignored() -> None:
    cache = CredentialsCache()
    cache.insert("https://h/", Credentials(None, None))
    assert cache.get_url("https://h/", None) is None
    assert "pw" not in repr(cache)


def test_seed_env_beats_url_and_covers_the_root() -> None:
    cache = CredentialsCache()
    indexes = (
        IndexSettings(name="private", url="https://bob:pw-b@h/simple/"),
        IndexSettings(url="https://carol:pw-c@other/simple/"),
        IndexSettings(name="plain", url="https://plain/simple/"),
    )
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": "pw-a"}
    cache.seed(indexes, env)
    assert cache.get_url("https://h/packages/f.whl", None) == ALICE
    seeded = cache.get_url("https://other/simple/x/", None)
    assert seeded is not None and seeded.username == "carol"
    assert cache.get_url("https://plain/simple/x/", None) is None


def test_single_flight_threads_share_one_call() -> None:
    flight: SingleFlight[Credentials] = SingleFlight()
    started = threading.Event()
    calls = []

    def slow() -> Credentials:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return ALICE

    results: list[Credentials | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(flight.run("k", slow, 10)))
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert calls == [1]
    assert results == [ALICE] * 16
    assert flight.run("k", slow) == ALICE and calls == [1]  # the result is kept


def test_single_flight_caches_misses_and_retries_errors() -> None:
    flight: SingleFlight[Credentials] = SingleFlight()
    calls = []

    def miss() -> None:
        calls.append("miss")

    assert flight.run("k", miss) is None
    assert flight.run("k", miss) is None
    assert calls == ["miss"]

    def boom() -> Credentials:
        calls.append("boom")
        raise RuntimeError("backend exploded")

    with pytest.raises(RuntimeError):
        flight.run("e", boom)
    with pytest.raises(RuntimeError):
        flight.run("e", boom)
    assert calls.count("boom") == 2


def test_single_flight_async_tasks_and_a_thread_share_one_call() -> None:
    flight: SingleFlight[Credentials] = SingleFlight()
    calls = []
    gate = threading.Event()

    def slow() -> Credentials:
        calls.append(1)
        gate.wait(60)
        return ALICE

    async def main() -> list[Credentials | None]:
        tasks = [asyncio.create_task(flight.run_async("k", slow)) for _ in range(64)]
        await asyncio.sleep(0.05)
        # The loop is not blocked while the lookup is in flight.
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0.01)
            ticks += 1

        def release_then_join() -> Credentials | None:
            gate.set()
            return flight.run("k", slow, 60)

        from_thread = await asyncio.to_thread(release_then_join)
        results = await asyncio.wait_for(asyncio.gather(*tasks), 60)
        assert ticks == 5
        return [*results, from_thread]

    results = asyncio.run(main())
    assert calls == [1]
    assert results == [ALICE] * 65


def test_probe_gate_gates_each_key_once() -> None:
    from policy.fetch.cache import ProbeGate

    gate = ProbeGate()
    assert gate.enter("r") == (None, True)  # the probe
    flight, owner = gate.enter("r")
    assert flight is not None and not owner  # a follower waits for it
    woke = threading.Event()

    def follow() -> None:
        gate.wait(flight, 5)
        woke.set()

    follower = threading.Thread(target=follow)
    follower.start()
    gate.leave("r")
    follower.join(60)
    assert woke.is_set()
    assert gate.enter("r") == (None, False)  # settled: nobody waits again

    async def follow_async() -> None:
        other = ProbeGate()
        other.enter("k")
        pending, _ = other.enter("k")
        assert pending is not None
        asyncio.get_running_loop().call_later(0.05, other.leave, "k")
        await asyncio.wait_for(other.wait_async(pending, 60), 60)
        third = ProbeGate()
        third.enter("x")
        stuck, _ = third.enter("x")
        assert stuck is not None
        # Bounded even if the probe never ends: the wait returns by itself, with the probe
        # still running (the outer 60 s is only a safety net against a hang).
        await asyncio.wait_for(third.wait_async(stuck, 0.05), 60)
        assert not stuck.done.is_set()

    asyncio.run(follow_async())


_SEGMENTS = st.lists(st.sampled_from(("a", "b")), max_size=3)
_URLS = st.builds(
    lambda host, segments, slash, query: (
        host + "/" + "/".join(segments) + ("/" if slash and segments else "") + query
    ),
    st.sampled_from(("http://h", "http://h", "http://g:8080")),
    _SEGMENTS,
    st.booleans(),
    st.sampled_from(("", "", "?q=1")),
)
_VALUES = st.sampled_from((ALICE, BOB))


_OPERATIONS = st.sampled_from(("insert", "replace", "replace", "get", "get", "get"))


@settings(max_examples=400)  # cheap examples; a stale answer needs four steps in order
@given(st.lists(st.tuples(_OPERATIONS, _URLS, _VALUES), max_size=20))
def test_the_trie_answers_as_a_walk_from_the_root_whatever_it_remembered(
    operations: list[tuple[str, str, Credentials]],
) -> None:
    """URLs beside each other share an answer found above them, until the next insert."""
    cache = CredentialsCache()
    model: dict[tuple[str, ...], Credentials] = {}

    def path(url: str) -> tuple[str, ...]:
        origin, rest = split_origin(url)
        return (realm_key(origin), *(part for part in rest.split("/") if part))

    for operation, url, value in operations:
        components = path(url)
        if operation == "get":
            expected = next(
                (
                    model[components[:n]]
                    for n in range(1, len(components) + 1)
                    if components[:n] in model
                ),
                None,
            )
            assert cache.get_url(url, None) is expected
        elif operation == "insert":
            cache.insert(url, value, realm=False)
            model[components] = value
        else:
            cache.insert(url, value, replace_stale=True, realm=False)
            for n in range(1, len(components)):
                if components[:n] in model and model[components[:n]] != value:
                    model[components[:n]] = value
            model[components] = value


def test_an_answer_shared_beside_is_forgotten_when_a_success_replaces_it() -> None:
    cache = CredentialsCache()
    cache.insert("https://h/simple/", ALICE, realm=False)
    assert cache.get_url("https://h/simple/x/", None) is ALICE  # shared by simple/*
    cache.insert("https://h/simple/y/", BOB, replace_stale=True, realm=False)
    assert cache.get_url("https://h/simple/x/", None) is BOB
    cache.insert("https://h/other/z/", ALICE, realm=False)
    assert cache.get_url("https://h/other/w/", None) is None  # a leaf's value is its own
