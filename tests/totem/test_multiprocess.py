"""Two web processes and a worker on one PostgreSQL database: bookings made through both at once never overlap,
every scheduled job fire runs once, and a page session opened on one process is accepted by the other.

The processes are real `totem serve` / `totem worker` commands, each with its scheduler, so they contend for
every fire; the test waits for the outbox job's first fires (every 30 s).
"""
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, time as time_of_day, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest

from tests.conftest import PG_ADMIN_DSN, _create_pg_database, _drop_pg_database
from totem import clock
from totem.demo import DEMO_PASSWORD

TOTEM = str(Path(sys.executable).with_name("totem"))
PARIS = ZoneInfo("Europe/Paris")
MEMBERS = ("nadia@oceanwatt.fr", "hugo@kelpstudio.fr", "sam@urbaflux.io")
ATTEMPTS = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster(tmp_path) -> Iterator[tuple[str, list[str]]]:
    """(psycopg DSN, [base URL of web process 1, of web process 2]), with a worker beside them."""
    name = _create_pg_database()
    server = PG_ADMIN_DSN.rsplit("/", 1)[0]
    env = {**os.environ, "TOTEM_DATABASE_URL": server.replace("postgresql://", "postgresql+psycopg://") + f"/{name}",
           "TOTEM_SECRET_KEY": "one-secret-shared-by-every-process", "TOTEM_SCHEDULER_ENABLED": "true",
           "TOTEM_ENVIRONMENT": "development"}
    env.pop("TOTEM_BASE_URL", None)
    subprocess.run([TOTEM, "init", "--demo"], env=env, check=True, capture_output=True, timeout=120)
    ports = [_free_port(), _free_port()]
    logs = [open(tmp_path / f"process-{n}.log", "w") for n in range(3)]  # noqa: SIM115  (closed below)
    processes = [subprocess.Popen([TOTEM, "serve", "--port", str(port)], env=env, stdout=logs[n],
                                  stderr=subprocess.STDOUT) for n, port in enumerate(ports)]
    processes.append(subprocess.Popen([TOTEM, "worker"], env=env, stdout=logs[2], stderr=subprocess.STDOUT))
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            _wait_until_up(url)
        yield f"{server}/{name}", urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # graceful: requests in flight finish
        for process in processes:
            process.wait(timeout=30)
        for log in logs:
            log.close()
        _drop_pg_database(name)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not start")


def _token(url: str, email: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _a_free_room_next_week(url: str, token: dict[str, str]) -> tuple[int, datetime, datetime]:
    """(room, start, end): 10:00–11:00 on the first day from next week's Tuesday on which the venue opens (not a
    holiday nor a closure day), in Paris, from the clock the processes read."""
    tuesday = clock.now().astimezone(PARIS).date() + timedelta(days=2)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    for offset in range(14):
        start = datetime.combine(tuesday + timedelta(days=offset), time_of_day(10), tzinfo=PARIS)
        free = httpx.get(f"{url}/api/v1/spaces/availability", headers=token, timeout=30, params={
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
            "kind": "meeting_room"}).json()
        if free:
            return free[0]["id"], start, start + timedelta(hours=1)
    raise AssertionError("no room free at 10:00 in the coming three weeks")


def test_two_web_processes_and_a_worker_share_one_database(cluster):
    dsn, urls = cluster
    tokens = {email: _token(urls[n % 2], email) for n, email in enumerate(MEMBERS)}
    room_id, starts_at, ends_at = _a_free_room_next_week(urls[0], tokens[MEMBERS[0]])

    # Bookings of one room slot through both processes at once: exactly one wins.
    outcomes: list[int] = [0] * ATTEMPTS
    barrier = threading.Barrier(ATTEMPTS)

    def book(n: int) -> None:
        barrier.wait()
        outcomes[n] = httpx.post(f"{urls[n % 2]}/api/v1/bookings", headers=tokens[MEMBERS[n % len(MEMBERS)]],
                                 timeout=60, json={"space_id": room_id, "starts_at": starts_at.isoformat(),
                                                   "ends_at": ends_at.isoformat()}).status_code

    threads = [threading.Thread(target=book, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == [201] + [409] * (ATTEMPTS - 1), outcomes

    # A page session opened on one process is accepted by the other.
    with httpx.Client(base_url=urls[0]) as browser:
        page = browser.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert browser.post("/login", data={"email": MEMBERS[0], "password": DEMO_PASSWORD,
                                            "csrf_token": csrf}).status_code == 303
        other = httpx.get(f"{urls[1]}/profile", cookies=browser.cookies, timeout=30)
        assert other.status_code == 200 and MEMBERS[0] in other.text

    # Three schedulers contend for each fire: wait for the outbox job's first fires, then look at the runs.
    time.sleep(40)
    with psycopg.connect(dsn) as db:
        overlaps = db.execute(
            "select count(*) from booking a join booking b on a.space_id = b.space_id and a.id < b.id "
            "and a.status in ('pending', 'confirmed', 'checked_in', 'offered') "
            "and b.status in ('pending', 'confirmed', 'checked_in', 'offered') "
            "and a.starts_at < b.ends_at and b.starts_at < a.ends_at").fetchone()[0]
        fires = db.execute("select job, fire_time, count(*), min(status) from job_runs "
                           "group by job, fire_time").fetchall()
    assert overlaps == 0
    outbox_fires = [fire for fire in fires if fire[0] == "outbox.deliver"]
    assert outbox_fires, fires
    assert all(count == 1 for _job, _fire, count, _status in fires)
    assert all(status in ("succeeded", "running") for _job, _fire, _count, status in outbox_fires)


def test_a_request_in_flight_finishes_when_the_server_is_told_to_stop(tmp_path):
    """SIGTERM (systemd's stop) lets the request whose body is still arriving finish, then the process exits."""
    env = {**os.environ, "TOTEM_DATABASE_URL": f"sqlite:///{tmp_path / 'totem.db'}",
           "TOTEM_SECRET_KEY": "a-secret", "TOTEM_SCHEDULER_ENABLED": "false", "TOTEM_ENVIRONMENT": "development"}
    subprocess.run([TOTEM, "init"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen([TOTEM, "serve", "--port", str(port)], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}")
            body = b'{"email": "nobody@example.com", "password": "not-the-password"}'
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:20])
                time.sleep(0.5)  # the request is in flight: its body is half sent
                process.send_signal(signal.SIGTERM)
                time.sleep(1)
                assert process.poll() is None, "the server stopped with a request in flight"
                sock.sendall(body[20:])
                answer = b""
                while chunk := sock.recv(65536):  # the server closes the connection once it has answered
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]  # a whole answer: unknown credentials
            assert b'"detail"' in answer
            # Uvicorn re-raises the signal once done, which systemd counts as a clean stop.
            assert process.wait(timeout=30) in (0, -signal.SIGTERM)
            # Stopped: no new connection is taken.
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
        finally:
            if process.poll() is None:
                process.kill()
