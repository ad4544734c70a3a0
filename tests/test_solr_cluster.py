"""`archive solr up` and `archive solr init` against real processes (CONTRACT.md, "Engines")."""
from __future__ import annotations

import os
import subprocess

import requests

from tests.solr_fixtures import ARCHIVE, start_cluster

pytest_plugins = ["tests.solr_plugin"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_up_prints_the_contract_line_once_its_collection_answers(solr_cluster):
    info = solr_cluster.info
    assert set(info) == {"solr_url", "zk_host", "nodes"}
    assert info["solr_url"].endswith("/solr/archive") and info["zk_host"].startswith("127.0.0.1:")
    assert len(info["nodes"]) == 2 and all(_alive(node["pid"]) for node in info["nodes"])
    answer = requests.get(info["solr_url"] + "/select", params={"q": "*:*", "rows": 0, "wt": "json"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["response"]["numFound"] == 0
    status = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]
    collection = status["collections"][status["aliases"]["archive"]]
    assert len(collection["shards"]) == 2
    assert all(len(shard["replicas"]) == 2 for shard in collection["shards"].values())
    assert len(status["live_nodes"]) == 2


def test_init_again_changes_nothing(solr_cluster, solr_collection):
    url = solr_collection()
    before = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]
    again = subprocess.run([ARCHIVE, "--solr", url, "solr", "init", "--shards", "2", "--replicas", "2"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already there") == 2
    after = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]
    assert (after["aliases"], sorted(after["collections"])) == (before["aliases"], sorted(before["collections"]))


def test_init_names_the_cause_when_solr_is_unreachable(solr_cluster):
    nowhere = solr_cluster.base.rsplit(":", 1)[0] + ":9/solr/archive"  # the discard port: nothing listens
    done = subprocess.run([ARCHIVE, "--solr", nowhere, "solr", "init"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Solr does not answer at http://127.0.0.1:9/solr" in done.stderr
    assert "Traceback" not in done.stderr


def test_init_without_a_url_says_how_to_give_one(solr_cluster):
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_SOLR_URL"}
    done = subprocess.run([ARCHIVE, "solr", "init"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "ARCHIVE_SOLR_URL" in done.stderr


def test_up_stops_every_process_on_sigterm(tmp_path):
    cluster = start_cluster(tmp_path / "one", nodes=1)
    pids = [node["pid"] for node in cluster.info["nodes"]]
    assert all(_alive(pid) for pid in pids)
    cluster.stop()
    assert cluster.process.returncode == 0
    assert not any(_alive(pid) for pid in pids)
    assert not any(_alive(pid) for pid in _java_children_of(tmp_path))


def _java_children_of(directory) -> list[int]:
    """Pids of any process whose command line mentions `directory` (a JVM left behind)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if str(directory).encode() in cmdline.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found
