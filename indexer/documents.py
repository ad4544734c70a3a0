"""Turn an issue and its articles into index documents (placeholder)."""
from __future__ import annotations

import json
from typing import Any

from archive.articles import Article
from archive.issues import Issue


def issue_documents(issue: Issue, articles: list[Article]) -> list[dict[str, Any]]:
    """The documents one issue file contributes: its issue record, then its articles."""
    meta = {"date": issue.date, "date_source": issue.date_source, "page": issue.page, "paper": issue.paper}
    docs: list[dict[str, Any]] = [
        {"id": "issue:" + issue.id, "kind": "issue", "issue_id": issue.id, "sha256": issue.sha256,
         "number": 0, "data": json.dumps({**meta, "articles": len(articles)}, ensure_ascii=False)}
    ]
    for a in articles:
        docs.append({"id": a.id, "kind": "article", "issue_id": issue.id, "number": a.number,
                     "title": a.title, "body": a.body,
                     "data": json.dumps({**meta, "paragraphs": list(a.paragraphs)}, ensure_ascii=False)})
    return docs
