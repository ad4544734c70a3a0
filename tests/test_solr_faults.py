"""A Solr node dies under load: the very node ARCHIVE_SOLR_URL names, killed with SIGKILL.

Eight clients keep searching through the real server while the node is
killed and while `archive solr up` starts it again. Every request must be
answered, with the same totals as before (the other node's replicas
answer for the dead node's shards, and the engine fails over to the node
still alive); once the node is back and its replicas are active, the
engine answers from it again.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter

import requests

from tests.reindex_fixtures import make_archive
from tests.solr_fixtures import ARCHIVE
from tests.webui_fixtures import start_server, stop_server

pytest_plugins = ["tests.solr_plugin"]

CLIENTS = 8
QUERIES = ["民警", "电信 诈骗", '"电信网络诈骗"', "title:醉驾", "反诈 OR 杀猪盘", "民警 -电信", "连南", "貉"]
RETURN_TIMEOUT_SECONDS = 120


def _node_is_back(health: dict, node: str, base: str) -> bool:
    """Live, its replicas active (ZooKeeper's view), and answering the engine's requests again."""
    shards = health.get("shards", {})
    return (node in health.get("live_nodes", []) and bool(shards) and all(len(r) == 2 for r in shards.values())
            and health.get("answered_by") == base)


def test_killing_the_named_node_fails_no_search_and_its_return_is_picked_up(tmp_path, solr_cluster, solr_collection):
    url = solr_collection()
    data = make_archive(tmp_path, samples=5)
    subprocess.run([ARCHIVE, "--data", str(data), "--solr", url, "reindex"], check=True, capture_output=True)
    server, base = start_server(data, env={"ARCHIVE_SOLR_URL": url})
    named_port = int(url.split(":")[2].split("/")[0])
    named_node, named_base = f"127.0.0.1:{named_port}_solr", url.rsplit("/", 1)[0]
    try:
        expected = {q: requests.get(base + "/api/search", params={"q": q}, timeout=30).json()["total"] for q in QUERIES}
        assert all(expected.values())
        stop = threading.Event()
        outcomes: Counter = Counter()
        wrong: list[tuple[str, object]] = []

        def client(offset: int) -> None:
            session = requests.Session()
            i = offset
            while not stop.is_set():
                q = QUERIES[i % len(QUERIES)]
                try:
                    response = session.get(base + "/api/search", params={"q": q}, timeout=60)
                    outcomes[response.status_code] += 1
                    if response.status_code != 200 or response.json()["total"] != expected[q]:
                        wrong.append((q, response.status_code))
                except requests.RequestException as exc:
                    outcomes["exception"] += 1
                    wrong.append((q, repr(exc)))
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        os.kill(solr_cluster.pid_of(named_port), signal.SIGKILL)
        killed_at = time.monotonic()
        time.sleep(3)
        during = sum(outcomes.values())
        health: dict = {}
        while time.monotonic() - killed_at < RETURN_TIMEOUT_SECONDS:
            health = requests.get(base + "/api/health", timeout=30).json()
            if _node_is_back(health, named_node, named_base):
                break
            time.sleep(0.5)
        time.sleep(2)  # searches answered by the returned node
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop_server(server)
    assert wrong == [] and set(outcomes) == {200}
    assert during > 0 and sum(outcomes.values()) > during  # searches ran while the node was dead and after
    assert _node_is_back(health, named_node, named_base), health
