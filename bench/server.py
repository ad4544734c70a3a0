"""Run the real `archive` command: timed commands, and `archive serve` as a managed subprocess.

The benchmark measures the product from outside, the way a user meets it:
the console script, a real port on loopback, real processes. Peak memory is
sampled with psutil because the product may fork workers.
"""
from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.measure import tree_rss

HEALTH_POLL_SECONDS = 0.01
# What a first reader asks: two common words, so ranking needs the dictionary and the index tables.
FIRST_QUERY = "新闻 报道"


def archive_command() -> list[str]:
    """The `archive` console script of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "archive"
    found = str(beside) if beside.exists() else shutil.which("archive")
    if not found:
        raise FileNotFoundError("no `archive` command; run `make install` first")
    return [found]


@dataclass(frozen=True)
class CommandRun:
    args: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes, sampled every 50 ms over the process tree


def run_timed(data_dir: Path, *args: str, timeout: float = 3600) -> CommandRun:
    """`archive --data DATA args…`, wall-clock timed, with sampled peak RSS."""
    cmd = [*archive_command(), "--data", str(data_dir), *args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        if time.perf_counter() - started > timeout:
            proc.kill()
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    return CommandRun(cmd, seconds, proc.returncode, stdout, stderr, peak)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerFailed(RuntimeError):
    """`archive serve` exited or never answered /api/health; the message holds its stderr."""


class Server:
    """`archive serve` on a free loopback port; `start()` returns the seconds until /api/health answers."""

    def __init__(self, data_dir: Path, log_dir: Path, threads: int = 8) -> None:
        self.data_dir = data_dir
        self.threads = threads
        self.port = free_port()
        self.log_path = log_dir / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = None

    def start(self, timeout: float = 120) -> float:
        """Spawn the server; seconds until it has answered a first search (see `first_search`)."""
        listening = self.listen(timeout)
        started = time.perf_counter() - listening
        self.first_search(timeout)
        return time.perf_counter() - started

    def first_search(self, timeout: float) -> None:
        """Ask one search and wait for its answer.

        Start-up counts until a reader gets results, not until /api/health
        answers: a server may listen before its dictionary is loaded, and the
        first reader would then wait for it.
        """
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", "/api/search?q=" + quote(FIRST_QUERY))
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise ServerFailed(f"first search answered {response.status}: {self.log_tail()}")
        finally:
            conn.close()

    def listen(self, timeout: float = 120) -> float:
        """Spawn `archive serve`; seconds until /api/health answers."""
        cmd = [*archive_command(), "--data", str(self.data_dir), "serve"]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--threads", str(self.threads)]
        self._log = open(self.log_path, "wb")
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise ServerFailed(f"archive serve exited with {self.proc.returncode}: {self.log_tail()}")
            if self._healthy():
                return time.perf_counter() - started
            time.sleep(HEALTH_POLL_SECONDS)
        raise ServerFailed(f"no /api/health answer within {timeout}s: {self.log_tail()}")

    def _healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/api/health")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def rss(self) -> int:
        return tree_rss(self.proc.pid) if self.proc else 0

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def tracebacks(self, limit: int = 3, chars: int = 2000) -> list[str]:
        """The distinct tracebacks the server logged (a 500 leaves one), ends kept: what owners need to fix it.

        Two tracebacks are the same when they end in the same frame and exception.
        """
        if not self.log_path.exists():
            return []
        text = self.log_path.read_text(errors="replace")
        found: dict[tuple[str, ...], str] = {}
        for chunk in text.split("Traceback (most recent call last):")[1:]:
            lines = [ln for ln in chunk.splitlines() if ln.strip() and not ln.startswith(("WARNING:", "ERROR:", "INFO:"))]
            body = "\n".join(lines)
            key = tuple(ln for ln in lines if ln.startswith("  File"))[-1:] + tuple(lines[-1:])
            found.setdefault(key, "Traceback (most recent call last):\n" + (body if len(body) <= chars else "…" + body[-chars:]))
            if len(found) == limit:
                break
        return list(found.values())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log:
            self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
