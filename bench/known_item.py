"""Known-item ranking on both engines: `../shared/eval/score_split.py` against each engine's server.

    python -m bench --only known-item --engine both

The 132 pages of ../shared/eval/split-dev are indexed into a data dir of
their own (the Solr engine: a collection of the run's SolrCloud), served by
`archive serve`, and scored by the shared script through the HTTP API, as
the lead scores any build: is the article with the gold title first (top 1)
or among the first ten (top 10) for its title's keywords. The splitting
figures it prints (title recall, bylines) do not depend on the engine and
are kept too.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

from bench.corpus import shared_dir
from bench.server import Server, ServerFailed, run_timed
from bench.solr import SolrCluster, using_solr

Log = Callable[[str], None]
_FIGURES = re.compile(r"title recall ([\d.]+)%.*bylines ([\d.]+)%; known-item top1 ([\d.]+)%, top10 ([\d.]+)%")


def score(data_dir: Path, work: Path) -> dict[str, float]:
    """Serve `data_dir` (already indexed) and run score_split.py against it."""
    script = shared_dir() / "eval" / "score_split.py"
    with Server(data_dir, work) as server:
        server.start()
        done = subprocess.run([sys.executable, str(script), f"http://127.0.0.1:{server.port}"],
                              capture_output=True, text=True, timeout=1800)
    found = _FIGURES.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise ServerFailed(f"score_split.py failed: {done.stdout[-1000:]} {done.stderr[-2000:]}")
    recall, bylines, top1, top10 = map(float, found.groups())
    return {"top1": top1, "top10": top10, "title_recall": recall, "bylines": bylines}


def known_item(work: Path, log: Log, cluster: SolrCluster | None) -> dict[str, dict[str, float]]:
    """The figures of the local engine ("ours") and, given `cluster`, of Solr ("solr")."""
    pages = sorted((shared_dir() / "eval" / "split-dev" / "pages").glob("*.txt"))
    collections = {"ours": None, **({"solr": cluster.collection("splitdev")} if cluster is not None else {})}
    found = {}
    for engine, url in collections.items():
        data_dir = work / f"split-dev-{engine}"
        shutil.rmtree(data_dir, ignore_errors=True)
        (data_dir / "issues").mkdir(parents=True)
        for page in pages:
            shutil.copy(page, data_dir / "issues" / page.name)
        with using_solr(url) if url is not None else nullcontext():
            built = run_timed(data_dir, "reindex")
            if built.returncode != 0:
                raise ServerFailed(f"indexing split-dev failed: {built}")
            log(f"{engine}: score_split.py over {len(pages)} split-dev pages")
            found[engine] = score(data_dir, work)
        shutil.rmtree(data_dir, ignore_errors=True)
    return found
