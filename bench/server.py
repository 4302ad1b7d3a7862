"""A real `totem serve` on a free loopback port, for the HTTP figures, stopped when the benchmark ends."""
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_TIMEOUT = 60  # seconds
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    base_url: str
    process_group: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (the parent and its workers), from /proc."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            # After the command: state, ppid, pgrp, ..., utime and stime are the 12th and 13th.
            if int(fields[2]) == self.process_group:
                total += int(fields[11]) + int(fields[12])
        return total / TICKS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(database_url: str, *, workers: int, log_path: Path, loop: str | None = None,
                   http: str | None = None) -> Iterator[Server]:
    """Serve the app with `workers` processes, the scheduler off.

    `totem serve` itself, unless `loop` or `http` names uvicorn's event loop (asyncio, uvloop) or HTTP parser
    (h11, httptools): then uvicorn's own command with `totem serve`'s options, to compare them on one install.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TOTEM_DATABASE_URL": database_url, "TOTEM_SCHEDULER_ENABLED": "false",
           "TOTEM_SECRET_KEY": "bench-secret-key", "TOTEM_BASE_URL": base_url, "TOTEM_ENVIRONMENT": "development"}
    where = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if loop is None and http is None:
        command = [sys.executable, "-m", "totem.cli", "serve", *where]
    else:
        command = [sys.executable, "-m", "uvicorn", "totem.asgi:app", *where, "--proxy-headers",
                   "--timeout-graceful-shutdown", "20", "--loop", loop or "auto", "--http", http or "auto"]
    with log_path.open("w") as log:
        # Its own process group, so that stopping it also stops the workers it forked, and nothing else.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_up(base_url, process, log_path)
            yield Server(base_url, process.pid)
        finally:
            _stop(process)


def _wait_until_up(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"{base_url}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {STARTUP_TIMEOUT} s; see {log_path}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
