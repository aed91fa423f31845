"""keyring-policy's side of the benchmark, run in a fresh subprocess per measurement.

The harness never imports `policy` itself: each figure comes from a new interpreter, so that
start-up, `sys.modules` and the keyring counts belong to that one run.

    python -m benchmarks.policy_driver MODE --spec JSON

MODE is one of `fetch`, `concurrent`, `overhead`, `startup`, `keyring-import`. The
spec is a JSON object (see each mode); the result is one JSON object on stdout.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

HREF = re.compile(r'href="([^"]+)"')


# --- settings -----------------------------------------------------------------------------


def load(spec: dict[str, Any]) -> Any:
    """Settings from the scenario's uv.toml, as the CLI would load them."""
    from policy.settings.models import Overrides
    from policy.settings.origins import load_settings

    overrides = Overrides(config_file=spec["config"], keyring_provider=spec.get("provider"))
    return load_settings(overrides, env=os.environ, cwd=Path.cwd())


# --- fetch: what an installer does for N projects -----------------------------------------


def file_links(page_url: str, response: Any) -> list[tuple[str, str | None]]:
    """(absolute file URL, sha256 or None) from a PEP 691 JSON or PEP 503 HTML page."""
    from policy.redact import strip_credentials

    base = strip_credentials(page_url)  # file URLs carry no credentials: the auth must know
    links: list[tuple[str, str | None]] = []
    if "json" in response.headers.get("content-type", ""):
        for entry in response.json().get("files", []):
            links.append((urljoin(base, entry["url"]), entry.get("hashes", {}).get("sha256")))
        return links
    for href in HREF.findall(response.text):
        url, _, fragment = href.partition("#")
        digest = fragment.partition("=")[2] if fragment.startswith("sha256=") else None
        links.append((urljoin(base, url), digest))
    return links


def fetch_one(client: Any, indexes: list[Any], project: str, dest: Path) -> dict[str, Any]:
    """Search the indexes in priority order as uv's default strategy does, then download."""
    statuses = []
    for index in indexes:
        page = index.url.rstrip("/") + f"/{project}/"
        response = client.get(page)
        statuses.append(response.status_code)
        if response.status_code == 200:
            files = file_links(page, response)
            for url, digest in files[-1:]:  # the newest file, as an installer picks one
                data = client.get(url)
                data.raise_for_status()
                if digest and hashlib.sha256(data.content).hexdigest() != digest:
                    return {"project": project, "ok": False, "error": "hash mismatch"}
                (dest / url.rsplit("/", 1)[-1]).write_bytes(data.content)
            return {"project": project, "ok": bool(files), "statuses": statuses}
        ignored = set(index.ignore_error_codes or ())
        if response.status_code != 404 and response.status_code not in ignored:
            break
    return {"project": project, "ok": False, "statuses": statuses}


class _WithTimeout:
    """A requests.Session whose `get` always has a timeout, as httpx's clients do."""

    def __init__(self, session: Any, timeout: float = 30.0) -> None:
        self.session, self.timeout = session, timeout

    def get(self, url: str) -> Any:
        return self.session.get(url, timeout=self.timeout)

    def __enter__(self) -> _WithTimeout:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()


def _client(settings: Any, driver: str) -> Any:
    """The installer's HTTP client: httpx with PolicyAuth, or requests with its driver."""
    if driver == "requests":
        from policy.fetch.requests_auth import requests_session

        return _WithTimeout(requests_session(settings))
    from policy.fetch.clients import client as sync_client

    return sync_client(settings, timeout=30.0)


def fetch(spec: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    settings = load(spec)
    dest = Path(spec["dest"])
    dest.mkdir(parents=True, exist_ok=True)
    with _client(settings, spec.get("driver", "httpx")) as client:
        results = [
            fetch_one(client, list(settings.indexes), project, dest) for project in spec["projects"]
        ]
    failed = [r for r in results if not r["ok"]]
    return {
        "ok": not failed,
        "fetched": len(results) - len(failed),
        "failed": failed[:3],
        "seconds": time.perf_counter() - started,
        "keyring_imported": "keyring" in sys.modules,
    }


# --- concurrent: N async fetches behind one 401 -------------------------------------------


async def _concurrent(spec: dict[str, Any]) -> dict[str, Any]:
    from policy.fetch.clients import async_client

    settings = load(spec)
    index = spec.get("base_url") or settings.indexes[0].url.rstrip("/")
    projects = spec["projects"]
    urls = [f"{index}/{projects[i % len(projects)]}/" for i in range(spec["tasks"])]
    async with async_client(settings, timeout=30.0) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(*(client.get(url) for url in urls))
        seconds = time.perf_counter() - started
    codes: dict[str, int] = {}
    for response in responses:
        codes[str(response.status_code)] = codes.get(str(response.status_code), 0) + 1
    return {
        "ok": codes == {"200": len(urls)},
        "statuses": codes,
        "seconds": seconds,
    }


# --- overhead: PolicyAuth against a fixed BasicAuth ---------------------------------------


def _timed(client: Any, urls: list[str]) -> float:
    started = time.perf_counter()
    for url in urls:
        client.get(url)
    return time.perf_counter() - started


def _interleaved(
    bare: Any, policy: Any, bare_urls: list[str], policy_urls: list[str]
) -> tuple[list[float], list[float]]:
    """Per-request seconds of both clients, one request each in turn (order alternating),
    so that whatever else the machine does lands on both sides alike."""
    clock = time.perf_counter
    bare_times, policy_times = [], []
    for i, (bare_url, policy_url) in enumerate(zip(bare_urls, policy_urls, strict=True)):
        pair = ((bare, bare_url, bare_times), (policy, policy_url, policy_times))
        for client, url, times in pair if i % 2 == 0 else pair[::-1]:
            started = clock()
            client.get(url)
            times.append(clock() - started)
    return bare_times, policy_times


def _overhead_pair(settings: Any, spec: dict[str, Any], env: dict[str, str]) -> tuple[Any, Any]:
    """(bare, policy) clients of one library: a fixed Basic auth, and the policy's driver."""
    if spec.get("driver") == "requests":
        import requests

        from policy.fetch.requests_auth import requests_session

        bare = requests.Session()
        bare.auth = requests.auth.HTTPBasicAuth(spec["user"], spec["password"])
        return _WithTimeout(bare), _WithTimeout(requests_session(settings, env=env))
    import httpx

    from policy.fetch.auth import PolicyAuth

    bare = httpx.Client(auth=httpx.BasicAuth(spec["user"], spec["password"]), timeout=30.0)
    return bare, httpx.Client(auth=PolicyAuth(settings, env=env), timeout=30.0)


def overhead(spec: dict[str, Any]) -> dict[str, Any]:
    settings = load(spec)
    base = spec["base"]
    count = spec["requests"]

    def urls(batch: str) -> list[str]:
        # Every request goes to a URL of its own, as an installer's do (one page per
        # project, one URL per file): a per-URL memo must not be what the figure measures.
        return [f"{base}/simple/{batch}-{i:05d}/" for i in range(count)]

    env = {**os.environ, **spec.get("env", {})}
    bare, policy = _overhead_pair(settings, spec, env)
    profile = spec.get("profile")
    with bare, policy:
        for name, client in (("bare", bare), ("policy", policy)):  # connect, warm up
            statuses = {client.get(url).status_code for url in urls(f"warm-{name}")[:50]}
            if statuses != {200}:
                return {"ok": False, "error": f"warm-up statuses {sorted(statuses)}"}
        bare_totals, policy_totals, median_ratios = [], [], []
        for round_ in range(spec["rounds"]):
            bare_times, policy_times = _interleaved(
                bare, policy, urls(f"r{round_}-bare"), urls(f"r{round_}-policy")
            )
            bare_totals.append(sum(bare_times))
            policy_totals.append(sum(policy_times))
            median_ratios.append(statistics.median(policy_times) / statistics.median(bare_times))
        report = _profile(lambda: _timed(policy, urls("profile")), profile) if profile else None
    round_ratios = [p / b for p, b in zip(policy_totals, bare_totals, strict=True)]
    ratio = statistics.median(round_ratios)
    per_request_us = (
        (statistics.median(policy_totals) - statistics.median(bare_totals)) / count * 1e6
    )
    return {
        "ok": True,
        "ratio": ratio,
        "bare_s": bare_totals,
        "policy_s": policy_totals,
        "round_ratios": round_ratios,
        "median_request_ratios": median_ratios,
        "overhead_us_per_request": per_request_us,
        "profile": report,
    }


def _profile(work: Any, out: str) -> str:
    """Profile `work()` with pyinstrument when installed, else cProfile; write to `out`."""
    if importlib.util.find_spec("pyinstrument") is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        work()
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        tool = "pyinstrument"
    else:
        import cProfile
        import io
        import pstats

        profiler_c = cProfile.Profile()
        profiler_c.runcall(work)
        stream = io.StringIO()
        pstats.Stats(profiler_c, stream=stream).sort_stats("cumulative").print_stats(40)
        text, tool = stream.getvalue(), "cProfile"
    Path(out).write_text(text)
    return tool


# --- start-up and the keyring import ------------------------------------------------------


def startup(spec: dict[str, Any]) -> dict[str, Any]:
    """Milliseconds to import policy, load settings and decide, after pydantic and httpx.

    Two baselines: `import httpx` + `from pydantic import BaseModel` (pydantic loads lazily),
    and the same plus one trivial model defined, which pays pydantic's own first-model cost
    (plugin entry-point scan, annotated_types, pydantic.types) that any pydantic user pays.
    """
    t0 = time.perf_counter()
    import httpx  # noqa: F401
    from pydantic import BaseModel

    t1 = time.perf_counter()

    class _Warm(BaseModel):
        value: int = 0

    t2 = time.perf_counter()

    def policy_part() -> None:
        from policy.decision import decide  # imports the `policy` package too

        settings = load(spec)
        decide(settings, spec["url"])

    if spec.get("profile"):
        tool = _profile(policy_part, spec["profile"])
        return {"ok": True, "profile": tool}
    policy_part()
    t3 = time.perf_counter()
    return {
        "ok": True,
        "baseline_ms": (t1 - t0) * 1e3,
        "first_model_ms": (t2 - t1) * 1e3,
        "policy_ms": (t3 - t2) * 1e3,
        "policy_strict_ms": (t3 - t1) * 1e3,
        "keyring_imported": "keyring" in sys.modules,
    }


def keyring_import(spec: dict[str, Any]) -> dict[str, Any]:
    """Whether `keyring` is in sys.modules after each step of a run that does not need it."""
    from policy.decision import decide
    from policy.fetch.clients import client as sync_client

    seen = {}
    settings = load(spec)
    seen["load_settings"] = "keyring" in sys.modules
    decide(settings, spec["url"])
    seen["decide"] = "keyring" in sys.modules
    with sync_client(settings, timeout=30.0) as client:
        status = client.get(spec["url"]).status_code
    seen["authenticated_fetch"] = "keyring" in sys.modules
    return {"ok": status == 200, "status": status, "imported": seen}


MODES = {
    "fetch": fetch,
    "overhead": overhead,
    "startup": startup,
    "keyring-import": keyring_import,
    "concurrent": lambda spec: asyncio.run(_concurrent(spec)),
}


def main(argv: list[str]) -> int:
    mode = argv[0]
    spec = json.loads(argv[argv.index("--spec") + 1])
    try:
        result = MODES[mode](spec)
    except Exception as error:
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
