"""An article's URL is permanent: it names the same article after any reindex while its issue file is unchanged.

An article id is its issue's id (the file's path) and its place in the
issue, so it does not depend on the index: a full rebuild, and an
incremental reindex that adds, changes or removes other files, give every
unchanged file's articles the same ids and so the same URLs and citations.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from indexer.factory import open_engine
from indexer.settings import Settings
from tests.research_fixtures import reindex
from tests.webui_fixtures import REPO, make_app


def articles_by_id(data: Path) -> dict[str, tuple[str, str]]:
    """id -> (title, first paragraph) of every article, read through the archive."""
    archive = open_engine(Settings(data_dir=data))
    try:
        found = {}
        for issue in archive.issues(1, 1000).issues:
            for link in archive.issue(issue.id).articles:
                view = archive.article(link.id)
                found[link.id] = (view.title, view.paragraphs[0] if view.paragraphs else "")
        return found
    finally:
        archive.close()


def test_ids_survive_a_full_rebuild_and_reindexes_of_other_files(tmp_path):
    issues = tmp_path / "issues"
    issues.mkdir()
    samples = sorted((REPO / "data" / "issues").glob("*.txt"))
    for sample in samples[:-1]:
        shutil.copy(sample, issues / sample.name)
    reindex(tmp_path)
    before = articles_by_id(tmp_path)
    assert len(before) > 20

    reindex(tmp_path, full=True)
    assert articles_by_id(tmp_path) == before

    shutil.copy(samples[-1], issues / samples[-1].name)  # another file arrives
    changed = issues / samples[0].name  # and one is rescanned
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n# 补白\n\n一段新加的文字。\n", encoding="utf-8")
    reindex(tmp_path)
    after = articles_by_id(tmp_path)
    unchanged = {id_: value for id_, value in before.items() if not id_.startswith(changed.stem + "/")}
    assert {id_: after[id_] for id_ in unchanged} == unchanged

    app = make_app(tmp_path)
    try:
        client = app.test_client()
        for article_id, (title, _) in unchanged.items():
            assert client.get(f"/api/articles/{article_id}/cite").json["gbt7714"].find(title) >= 0
    finally:
        app.extensions["archive"].close()
