"""What `archive solr up` and `archive solr init` run, for the command line (through
`indexer.factory.solr_tools`, so that the CLI imports no engine).

Every failure is an `IndexUnavailable` with a message that names the cause
(the CLI's one-line failure, exit status 1); a URL that is not a Solr URL
is a ValueError (the user's typing, exit status 2).
"""
from __future__ import annotations

from pathlib import Path

from indexer.engines.solr.admin import served_collection, set_up_collection
from indexer.engines.solr.client import SolrClient
from indexer.engines.solr.cluster import run_cluster


def init_collection(url: str, shards: int, replicas: int) -> list[str]:
    """Upload the configset and create the collection `url` names, unless they exist; what was done,
    a line each. ConfigsetOutdated if the existing collection was built with another configset."""
    client = SolrClient(url)
    report = set_up_collection(client, shards, replicas)
    lines = [f"configset {report.configset}: {'uploaded' if report.uploaded else 'already there'}",
             f"collection {report.collection} behind {client.url}: {'created' if report.created else 'already there'}"]
    served_collection(client)
    return lines


def run_local_cluster(directory: Path, nodes: int, collection: str, shards: int, replicas: int,
                      first_port: int | None, zk_port: int | None, heap: str) -> None:
    """`archive solr up`: see indexer.engines.solr.cluster."""
    run_cluster(directory, nodes, collection, shards, replicas, first_port, zk_port, heap)
