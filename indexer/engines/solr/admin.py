"""The collection's set-up: the configset kept in the repository, the collection, and the alias.

The name the URL gives (`…/solr/archive`) is an alias for a collection
(`archive_20261204T120000`): `archive reindex --full` builds a new
collection beside the served one and swaps the alias over in one step, as
the local engine replaces CURRENT. A collection the user made by hand and
named directly works too, for everything but `--full`.

The configset is uploaded under a name that carries a digest of its files
(`newspaper-archive-<digest>`), so running `archive solr init` again
uploads nothing and creates nothing, and a collection built with another
version of the schema is recognised (`ConfigsetOutdated`): its documents
were analysed differently, so only `archive reindex --full` (a new
collection, this configset) makes it exact again.
"""
from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.engines.solr.client import CollectionMissing, SolrClient
from indexer.api import IndexUnavailable

CONFIGSET_DIR = Path(__file__).resolve().parent / "configset"
CONFIGSET_PREFIX = "newspaper-archive-"
_XML_COMMENT = re.compile(rb"<!--.*?-->", re.S)


class ConfigsetOutdated(IndexUnavailable):
    """The collection was built with another version of the archive's configset."""


def _configset_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(CONFIGSET_DIR.iterdir()) if path.is_file()}


def configset_name() -> str:
    """The name this version of the configset is uploaded under: a digest of its files, comments and
    layout left out (a reworded comment must not make every collection "outdated")."""
    digest = hashlib.sha256()
    for name, content in _configset_files().items():
        meaning = b" ".join(_XML_COMMENT.sub(b"", content).split())
        digest.update(name.encode() + b"\0" + meaning + b"\0")
    return CONFIGSET_PREFIX + digest.hexdigest()[:12]


def _configset_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _configset_files().items():
            archive.writestr(name, content)
    return buffer.getvalue()


@dataclass(frozen=True)
class Replica:
    node: str  # live-node name, 127.0.0.1:8983_solr
    state: str  # active, recovering, down, …
    leader: bool


@dataclass(frozen=True)
class Collection:
    """A collection as CLUSTERSTATUS describes it, and the alias it was reached through (if any)."""

    name: str
    alias: str | None
    config: str
    shards: dict[str, list[Replica]] = field(default_factory=dict)

    @property
    def replication_factor(self) -> int:
        return max((len(replicas) for replicas in self.shards.values()), default=1)


@dataclass(frozen=True)
class ClusterState:
    live_nodes: list[str]
    aliases: dict[str, str]
    collections: dict[str, dict[str, Any]]

    def collection(self, name: str) -> Collection | None:
        """The collection `name` names (directly or as an alias), or None."""
        target = self.aliases.get(name, name)
        described = self.collections.get(target)
        if described is None:
            return None
        shards = {
            shard: [Replica(r.get("node_name", ""), r.get("state", ""), r.get("leader") == "true")
                    for r in info.get("replicas", {}).values()]
            for shard, info in sorted(described.get("shards", {}).items())
        }
        return Collection(target, name if target != name else None, described.get("configName", ""), shards)


def cluster_state(client: SolrClient) -> ClusterState:
    status = client.admin("collections", {"action": "CLUSTERSTATUS"})["cluster"]
    aliases = {name: target for name, target in (status.get("aliases") or {}).items() if "," not in target}
    return ClusterState(status.get("live_nodes", []), aliases, status.get("collections") or {})


def served_collection(client: SolrClient) -> Collection:
    """The collection the URL names, checked: CollectionMissing or ConfigsetOutdated if it cannot serve."""
    collection = cluster_state(client).collection(client.url.collection)
    if collection is None:
        raise CollectionMissing(f"Solr at {client.url.base} has no collection or alias "
                                f"“{client.url.collection}”; create it with `archive solr init`")
    if collection.config != configset_name():
        raise ConfigsetOutdated(
            f"the Solr collection {collection.name} was built with configset “{collection.config}”, "
            f"this version of the archive needs “{configset_name()}”: run `archive solr init`, "
            "then `archive reindex --full`")
    return collection


def upload_configset(client: SolrClient) -> bool:
    """Upload this version's configset unless Solr has it; whether it was uploaded."""
    name = configset_name()
    if name in client.admin("configs", {"action": "LIST"}).get("configSets", []):
        return False
    client.admin("configs", {"action": "UPLOAD", "name": name}, data=_configset_zip())
    return True


def new_collection_name(alias: str) -> str:
    """A fresh collection name for `alias` (`archive_20261204T120000123`)."""
    return f"{alias}_{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}{int(time.time() * 1000) % 1000:03d}"


def create_collection(client: SolrClient, name: str, shards: int, replicas: int) -> None:
    """A new collection with this version's configset, every replica active when this returns."""
    client.admin("collections", {
        "action": "CREATE", "name": name, "numShards": shards, "replicationFactor": replicas,
        "collection.configName": configset_name(), "waitForFinalState": "true",
    })


def point_alias(client: SolrClient, alias: str, collection: str) -> None:
    """Make `alias` name `collection` (created or moved in one step)."""
    client.admin("collections", {"action": "CREATEALIAS", "name": alias, "collections": collection})


def delete_collection(client: SolrClient, name: str) -> None:
    client.admin("collections", {"action": "DELETE", "name": name})


@dataclass(frozen=True)
class InitReport:
    configset: str
    uploaded: bool
    collection: str
    created: bool


def set_up_collection(client: SolrClient, shards: int, replicas: int) -> InitReport:
    """Upload the configset and create the collection behind the URL's alias, unless they exist."""
    uploaded = upload_configset(client)
    existing = cluster_state(client).collection(client.url.collection)
    if existing is not None:
        return InitReport(configset_name(), uploaded, existing.name, False)
    name = new_collection_name(client.url.collection)
    create_collection(client, name, shards, replicas)
    point_alias(client, client.url.collection, name)
    return InitReport(configset_name(), uploaded, name, True)
