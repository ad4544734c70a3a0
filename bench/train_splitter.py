"""Train the model that says which paragraphs start articles (archive.article_starts).

    .venv/bin/python -m bench.train_splitter [--out archive/models/article_starts.json]

Training pages are rendered by bench.renders from the shared corpora, never
split-dev's pages: People's Daily pages of 1-10 January 1998 under four
different damage seeds, and CCTV transcripts of days that bench.title_recall
does not render (offset 5 in every ten). Each paragraph the splitter would
ask the model about (archive.article_starts.is_candidate) is labelled 1 when
it is an item's title or an untitled item's first paragraph, found in page
order. scikit-learn's histogram gradient boosting (fixed seed, no early
stopping: the same file every run) is fitted on
archive.article_starts.features, and its trees are written as JSON, so the
archive itself needs no scikit-learn.
"""
from __future__ import annotations

import argparse
import json
import random
import unicodedata
from pathlib import Path

import numpy as np

from archive.article_starts import MODEL_PATH, ArticleState, features, is_candidate, page_features, with_state
from archive.articles import page_items
from bench.renders import LAST_TRAINING_DAY, SourceArticle, pd1998_pages, render_page, xwlb_pages

TRAIN_SEEDS = ("train-0", "train-1", "train-2", "train-3")
XWLB_OFFSET = 5
TREES = 300
DEPTH = 5
LEARNING_RATE = 0.1
# A leaf holds this many training paragraphs at least, and leaf values shrink: without them the trees fit the
# training pages (99.98 %) and judge unseen small pages differently from one training set to the next.
MIN_LEAF = 40
L2 = 1.0


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def labelled_page(text: str, articles: list[SourceArticle]) -> tuple[list[dict[str, float]], list[int]]:
    """Features and labels of every paragraph of one rendered page."""
    items = page_items(text).items
    starts = [_key(a.title) if a.title else _key(a.paragraphs[0])[:12] for a in articles if a.title or a.paragraphs]
    page = page_features(items)
    rows, labels, k = [], [], 0
    state = ArticleState()
    for index, item in enumerate(items):
        key = _key(item.text)
        # An item not found where expected (lost in layout) must not hold up the rest: look one ahead.
        hit = next((j for j in (k, k + 1) if j < len(starts) and starts[j] and key.startswith(starts[j])), None)
        if hit is not None:
            k = hit + 1
        if is_candidate(item):
            rows.append(with_state(features(items, index, page), state, item))
            labels.append(int(hit is not None))
        state.update(item, hit is not None)
    return rows, labels


def training_set() -> tuple[list[dict[str, float]], list[int]]:
    pages = {name: arts for name, arts in pd1998_pages().items() if name[:8] <= LAST_TRAINING_DAY}
    pages.update(xwlb_pages(offset=XWLB_OFFSET))
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for seed in TRAIN_SEEDS:
        for name, articles in sorted(pages.items()):
            rendered = render_page(name, articles, random.Random(f"{seed}/{name}"))
            page_rows, page_labels = labelled_page(rendered.text, articles)
            rows += page_rows
            labels += page_labels
    return rows, labels


def train(out: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    rows, labels = training_set()
    vectorizer = DictVectorizer(dtype=np.float32, sparse=False)
    matrix = vectorizer.fit_transform(rows)
    model = HistGradientBoostingClassifier(max_iter=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE,
                                           min_samples_leaf=MIN_LEAF, l2_regularization=L2, early_stopping=False,
                                           random_state=0)
    model.fit(matrix, labels)
    names = list(vectorizer.get_feature_names_out())
    used: dict[int, int] = {}  # feature column -> its index among the features the trees ask about
    trees = []
    for (predictor,) in model._predictors:  # one tree per round for two classes
        nodes = predictor.nodes
        tree = []
        for node in nodes:
            if node["is_leaf"]:
                tree.append([-1, 0, 0, round(float(node["value"]), 5)])
            else:
                column = int(node["feature_idx"])
                assert 0 < node["num_threshold"] < 1, "features are present (1) or absent (0)"
                tree.append([used.setdefault(column, len(used)), int(node["left"]), int(node["right"]), 0.0])
        trees.append(tree)
    accuracy = model.score(matrix, labels)
    out.write_text(json.dumps({
        "about": "archive.article_starts: gradient-boosted trees, trained by `python -m bench.train_splitter`",
        "paragraphs": len(labels), "starts": sum(labels), "training_accuracy": round(accuracy, 4),
        "baseline": round(float(model._baseline_prediction.ravel()[0]), 5),
        "features": [names[column] for column in sorted(used, key=used.get)],
        "trees": trees,
    }, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(labels)} candidate paragraphs ({sum(labels)} starts), {len(trees)} trees over {len(used)} features, "
          f"training accuracy {accuracy:.2%} -> {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    train(parser.parse_args().out)


if __name__ == "__main__":
    main()
