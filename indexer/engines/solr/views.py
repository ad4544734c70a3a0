"""Articles, issues and counts read from Solr, as the records of `indexer.api`.

The stored JSON of each document is the local engine's, so the views are
built by the same functions; only finding the documents differs.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indexer.api import ArticleView, FailedFile, IndexStats, IssuePage, IssueView
from indexer.engines.solr.admin import Collection, cluster_state, served_collection
from indexer.engines.solr.client import SolrClient
from indexer.present.views import article_view as shown_article, issue_summary, issue_view as shown_issue, iso_day

MAX_ARTICLES_PER_ISSUE = 10_000
STORED = "id,issue_id,number,data"


def _find(client: SolrClient, field: str, value: str, kind: str, rows: int = 1, sort: str | None = None,
          fields: str = STORED) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"query": f"{{!term f={field}}}{value}", "filter": [f"kind:{kind}"], "limit": rows,
                            "fields": fields}
    if sort:
        body["sort"] = sort
    return client.select(body)["response"]["docs"]


def _articles_of(client: SolrClient, issue_id: str) -> list[dict[str, Any]]:
    return _find(client, "issue_id", issue_id, "article", MAX_ARTICLES_PER_ISSUE, "number asc")


def fetch_article(client: SolrClient, article_id: str, q: str | None) -> ArticleView | None:
    found = _find(client, "id", article_id, "article")
    if not found:
        return None
    return shown_article(found[0], _articles_of(client, found[0]["issue_id"]), q)


def fetch_issue(client: SolrClient, issues_dir: Path, issue_id: str) -> IssueView | None:
    found = _find(client, "id", "issue:" + issue_id, "issue")
    if not found:
        return None
    return shown_issue(json.loads(found[0]["data"]), _articles_of(client, issue_id), issues_dir)


def list_issues(client: SolrClient, page: int, per_page: int) -> IssuePage:
    """Issues newest first (pages in order), undated last, as the local engine lists them."""
    answer = client.select({
        "query": "kind:issue", "offset": (page - 1) * per_page, "limit": per_page,
        "sort": "day desc, page asc, id asc", "fields": "data"})["response"]
    return IssuePage(int(answer["numFound"]), page, per_page, [issue_summary(json.loads(doc["data"])) for doc in answer["docs"]])


def collection_stats(client: SolrClient, failed: list[FailedFile]) -> IndexStats:
    """Counts and dates of the collection; `generation` changes with every commit (the collection
    behind the alias and the newest document version it serves)."""
    collection = served_collection(client)
    answer = client.select({
        "query": "*:*", "limit": 0,
        "facet": {"issues": {"type": "query", "q": "kind:issue"},
                  "articles": {"type": "query", "q": "kind:article",
                               "facet": {"first": "min(day)", "last": "max(day)"}},
                  "version": "max(_version_)"}})
    facets = answer.get("facets", {})
    articles = facets.get("articles", {})
    count = int(articles.get("count", 0))
    return IndexStats(
        issues=int(facets.get("issues", {}).get("count", 0)),
        articles=count,
        date_min=iso_day(int(articles["first"])) if count else None,
        date_max=iso_day(int(articles["last"])) if count else None,
        failed=failed,
        generation=f"{collection.name}:{int(facets.get('version', 0) or 0)}" if answer["response"]["numFound"] else None,
        index_bytes=index_bytes(client, collection),
    )


def index_bytes(client: SolrClient, collection: Collection) -> int:
    """Bytes on disk of every replica of the collection (all copies: what the cluster stores)."""
    total = 0
    for node in client.nodes:
        try:
            metrics = client.node(node, "admin/metrics", {"group": "core", "prefix": "INDEX.sizeInBytes"})
        except Exception:  # noqa: BLE001 - a node that does not answer adds nothing to the figure
            continue
        for core, values in metrics.get("metrics", {}).items():
            if core.startswith(f"solr.core.{collection.name}."):
                total += int(values.get("INDEX.sizeInBytes", 0))
    return total


def cluster_health(client: SolrClient) -> dict[str, Any]:
    """What /api/health adds for Solr: the live nodes and each shard's active replicas (ZooKeeper's
    view), and the node that answered (the engine's own: the URL's node unless it failed over)."""
    state = cluster_state(client)
    collection = state.collection(client.url.collection)
    shards = {} if collection is None else {
        shard: [replica.node for replica in replicas if replica.state == "active" and replica.node in state.live_nodes]
        for shard, replicas in collection.shards.items()}
    return {"collection": collection.name if collection else None, "live_nodes": sorted(state.live_nodes),
            "shards": shards, "answered_by": client.last_node}
