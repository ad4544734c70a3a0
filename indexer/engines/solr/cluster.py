"""`archive solr up`: a SolrCloud on this machine, one ZooKeeper and N Solr nodes, each its own JVM.

For trying the Solr engine and for the tests: real processes, so a node
can be killed with SIGKILL and the cluster (and the engine) must cope.
Everything lives under one directory:

    DIR/cluster.json     the ports chosen the first time, reused on every later start
    DIR/zookeeper/       ZooKeeper's data (the cluster state, the configset)
    DIR/node-1/ …        each node's Solr home: its cores and their indexes
    DIR/logs/            each process's output (warnings and errors)

Ports are kept because a node's name in the cluster state is its address:
started on the same ports, the cluster comes back with its collection.
While it runs, a node that dies (killed, crashed) is started again on its
port after `RESTART_DELAY_SECONDS`; SIGTERM or SIGINT stops every process,
nodes first (each closes its cores cleanly), ZooKeeper last.

Every child gets SIGTERM when this process dies, however it dies
(PR_SET_PDEATHSIG), so no JVM outlives the command.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from indexer.engines.solr.admin import set_up_collection
from indexer.api import IndexUnavailable
from indexer.engines.solr.build import launcher_classpath, require_tools
from indexer.engines.solr.client import SolrClient, SolrError, SolrUnavailable, SolrUrl

ZOOKEEPER_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"
NODE_MAIN = "archive.solr.SolrNode"
DEFAULT_PORT = 8983  # the first node; the others follow it
DEFAULT_ZK_PORT = 9983  # Solr's own convention: the first node's port + 1000
DEFAULT_HEAP = "512m"
ZOOKEEPER_HEAP = "128m"
START_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 30
RESTART_DELAY_SECONDS = 1.0
# Two cores shared by several JVMs: the serial collector spends no threads of its own.
JVM_OPTIONS = ["-XX:+UseSerialGC", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8"]
_PR_SET_PDEATHSIG = 1


class ClusterFailed(IndexUnavailable):
    """The cluster could not be started; the message says which process and where its log is."""


def die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """Nobody listens on `port` (a socket of a stopped node still in TIME_WAIT does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class Ports:
    zookeeper: int
    nodes: tuple[int, ...]

    @classmethod
    def choose(cls, directory: Path, nodes: int, first: int | None, zookeeper: int | None) -> Ports:
        """The ports of an earlier start in `directory`, unless asked otherwise; new ones else.

        `first` (the first node's port; 0: any free ports) and `zookeeper` override what was kept.
        """
        kept = directory / "cluster.json"
        if first is None and zookeeper is None and kept.is_file():
            recorded = json.loads(kept.read_text(encoding="utf-8"))
            if len(recorded["nodes"]) == nodes:
                return cls(recorded["zookeeper"], tuple(recorded["nodes"]))
        if first == 0:
            return cls(zookeeper or free_port(), tuple(free_port() for _ in range(nodes)))
        base = DEFAULT_PORT if first is None else first
        return cls(zookeeper or (base + 1000 if first is not None else DEFAULT_ZK_PORT),
                   tuple(range(base, base + nodes)))

    def keep(self, directory: Path) -> None:
        (directory / "cluster.json").write_text(
            json.dumps({"zookeeper": self.zookeeper, "nodes": list(self.nodes)}) + "\n", encoding="utf-8")


class _Process:
    """One JVM of the cluster, its log, and how to start it again."""

    def __init__(self, name: str, port: int, command: list[str], log: Path) -> None:
        self.name = name
        self.port = port
        self.command = command
        self.log = log
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    @property
    def pid(self) -> int:
        return self.popen.pid if self.popen else 0

    def exited(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def listening(self) -> bool:
        return _accepts(self.port)

    def terminate(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()

    def wait(self, timeout: float) -> None:
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


class LocalCluster:
    """ZooKeeper and `nodes` Solr nodes under `directory` (see the module docstring)."""

    def __init__(self, directory: Path, ports: Ports, heap: str = DEFAULT_HEAP) -> None:
        self.directory = directory.resolve()
        self.ports = ports
        self.heap = heap
        self.zookeeper: _Process | None = None
        self.nodes: list[_Process] = []
        self._stopping = threading.Event()

    @property
    def zk_host(self) -> str:
        return f"127.0.0.1:{self.ports.zookeeper}"

    def node_base(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports.nodes[index]}/solr"

    def _java(self, name: str, port: int, heap: str, *arguments: str) -> _Process:
        command = ["java", f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, "-cp", self._classpath, *arguments]
        return _Process(name, port, command, self.directory / "logs" / f"{name}.log")

    def start(self) -> None:
        """Start ZooKeeper, then every node; return once all nodes are live (ClusterFailed if not)."""
        require_tools()
        busy = [port for port in (self.ports.zookeeper, *self.ports.nodes) if not _port_is_free(port)]
        if busy:
            raise ClusterFailed(f"port(s) {', '.join(map(str, busy))} already in use; stop what listens there "
                                "or choose others with --port (0: any free ports)")
        self._classpath = launcher_classpath()
        (self.directory / "logs").mkdir(parents=True, exist_ok=True)
        self.ports.keep(self.directory)
        self.zookeeper = self._java("zookeeper", self.ports.zookeeper, ZOOKEEPER_HEAP,
                                    "-Dzookeeper.admin.enableServer=false", ZOOKEEPER_MAIN,
                                    str(self.ports.zookeeper), str(self.directory / "zookeeper"))
        self.zookeeper.start()
        self._wait(self.zookeeper.listening, self.zookeeper, "ZooKeeper to listen")
        self.nodes = [self._java(f"node-{index}", port, self.heap, NODE_MAIN,
                                 str(self.directory / f"node-{index}"), str(port), self.zk_host)
                      for index, port in enumerate(self.ports.nodes, start=1)]
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            self._wait(node.listening, node, f"{node.name} to listen on port {node.port}")
        client = SolrClient(SolrUrl(self.node_base(), "_"))
        wanted = {f"http://127.0.0.1:{port}/solr" for port in self.ports.nodes}
        self._wait(lambda: wanted <= set(_live(client)), None, "every node to join the cluster")

    def _wait(self, done: Callable[[], bool], process: _Process | None, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not done():
            for proc in ([process] if process else [self.zookeeper, *self.nodes]):
                if proc is not None and proc.exited() is not None:
                    raise ClusterFailed(f"{proc.name} exited with status {proc.exited()} while waiting for "
                                        f"{what}; see {proc.log}")
            if time.monotonic() > deadline:
                raise ClusterFailed(f"gave up waiting {START_TIMEOUT_SECONDS} s for {what}; "
                                    f"see the logs in {self.directory / 'logs'}")
            time.sleep(0.2)

    def create_collection(self, collection: str, shards: int, replicas: int) -> str:
        """`archive solr init` for `collection` on this cluster; its URL once a search answers."""
        url = SolrUrl(self.node_base(), collection)
        client = SolrClient(url)
        set_up_collection(client, shards, replicas)
        self._wait(lambda: _answers(client), None, f"collection {collection} to answer")
        return str(url)

    def describe(self, solr_url: str) -> dict[str, object]:
        """The JSON line of the contract."""
        return {"solr_url": solr_url, "zk_host": self.zk_host,
                "nodes": [{"pid": node.pid, "port": port} for node, port in zip(self.nodes, self.ports.nodes)]}

    def supervise(self, stderr: TextIO = sys.stderr) -> None:
        """Until `stop()`: start again any node that died (on its port, with its home)."""
        while not self._stopping.wait(0.5):
            if self.zookeeper is not None and self.zookeeper.exited() is not None:
                print(f"archive solr up: ZooKeeper exited ({self.zookeeper.exited()}); see "
                      f"{self.zookeeper.log}; stopping", file=stderr, flush=True)
                return
            for node in self.nodes:
                status = node.exited()
                if status is not None and not self._stopping.is_set():
                    print(f"archive solr up: {node.name} (pid {node.pid}) exited with {status}; starting it again",
                          file=stderr, flush=True)
                    self._stopping.wait(RESTART_DELAY_SECONDS)
                    if not self._stopping.is_set():
                        node.start()

    def stop(self) -> None:
        """Stop the nodes (in parallel, each closing its cores), then ZooKeeper."""
        self._stopping.set()
        for node in self.nodes:
            node.terminate()
        for node in self.nodes:
            node.wait(STOP_TIMEOUT_SECONDS)
        if self.zookeeper is not None:
            self.zookeeper.terminate()
            self.zookeeper.wait(STOP_TIMEOUT_SECONDS)


def _live(client: SolrClient) -> list[str]:
    try:
        return client.live_nodes()
    except (SolrUnavailable, SolrError, KeyError):
        return []


def _answers(client: SolrClient) -> bool:
    try:
        client.collection("select", {"q": "*:*", "rows": 0})
    except (SolrUnavailable, SolrError):
        return False
    return True


def run_cluster(directory: Path, nodes: int, collection: str, shards: int, replicas: int, first_port: int | None,
        zk_port: int | None, heap: str, stdout: TextIO = sys.stdout) -> None:
    """Start the cluster, print the contract's JSON line, run until SIGTERM/SIGINT, stop everything."""
    cluster = LocalCluster(directory, Ports.choose(directory, nodes, first_port, zk_port), heap)
    previous = {sig: signal.signal(sig, _stop_requested) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        cluster.start()
        solr_url = cluster.create_collection(collection, shards, replicas)
        print(json.dumps(cluster.describe(solr_url)), file=stdout, flush=True)
        cluster.supervise()
    except StopRequested:
        pass
    finally:
        for sig in previous:  # a second signal must not interrupt the stopping
            signal.signal(sig, signal.SIG_IGN)
        cluster.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class StopRequested(Exception):
    """SIGTERM or SIGINT arrived: leave whatever is under way and stop the cluster."""


def _stop_requested(signum: int, frame: object) -> None:
    raise StopRequested()
