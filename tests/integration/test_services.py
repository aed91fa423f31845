"""The real services the integration tests rely on actually work."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import httpx

from tests.support import services


def test_index_server_requires_basic_auth(index_server: services.IndexServer) -> None:
    index_server.clear_log()
    anonymous = httpx.get(index_server.simple_url + "peerpkg/", timeout=10)
    good = httpx.get(
        index_server.simple_url + "peerpkg/", timeout=10, auth=(services.USER, services.PASSWORD)
    )
    assert anonymous.status_code == 401
    assert good.status_code == 200
    assert "peerpkg-1.0-py3-none-any.whl" in good.text
    logged = index_server.requests()
    assert [r["status"] for r in logged] == [401, 200]
    assert logged[1]["password"] == "correct"
    assert services.PASSWORD not in index_server.log_path.read_text()


def test_secret_service_stores_and_reads(secret_service: services.SecretService) -> None:
    script = (
        "import keyring\n"
        "from keyring.backends.SecretService import Keyring\n"
        "kr = Keyring()\n"
        "kr.set_password('kp-selftest', 'alice', 'pw-ü')\n"
        "print(base64.b64encode(kr.get_password('kp-selftest', 'alice').encode()).decode())\n"
        "kr.delete_password('kp-selftest', 'alice')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import base64\n" + script],
        env={**os.environ, **secret_service.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert base64.b64decode(done.stdout.strip()).decode() == "pw-ü"
