"""The fast segment writer stores exactly what Whoosh's own SegmentWriter stores.

Both write the same documents (the sample issues, plus generated articles
so that common terms span several 128-posting blocks and field lengths
reach the range where Whoosh stores them approximately); then everything a
reader can ask of the two segments is compared: every term's postings with
weights and encoded positions, the per-block statistics BM25's quality
skipping uses, the term statistics, field lengths, stored fields and the
`day` column. Equal here means equal search results and scores.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.fields import TEXT
from whoosh.writing import SegmentWriter

from archive.articles import split_articles
from archive.issues import read_issue
from indexer.engines.whoosh.analyzers import NgramTokenizer, WordsTokenizer
from indexer.documents import issue_documents
from indexer.text.ngrams import SECTION_SEP
from indexer.engines.whoosh.codec.field_postings import FieldPostings
from indexer.engines.whoosh.schema import make_schema
from indexer.engines.whoosh.codec.segment_writer import SegmentBuilder

REPO = Path(__file__).resolve().parents[1]


def _sample_documents() -> list[dict[str, Any]]:
    issues_dir = REPO / "data" / "issues"
    documents: list[dict[str, Any]] = []
    for path in sorted(issues_dir.iterdir()):
        issue = read_issue(path, issues_dir)
        documents += issue_documents(issue, split_articles(issue))
    return documents


def _generated_documents(count: int) -> list[dict[str, Any]]:
    """Articles sharing terms in more than one block, with short, empty and long sections."""
    documents = []
    for n in range(count):
        body = "中国经济，" * (n % 40) + f"第{n}篇 ABC abc 新闻。" + "人民" * (n % 7)
        title = "" if n % 5 == 0 else f"中国新闻{n % 3}"
        documents.append({
            "id": f"gen-{n}", "kind": "article", "issue_id": f"gen-{n // 10}", "number": n,
            "data": "{}", "day": f"1998{n % 12 + 1:02d}01",
            "text_grams": SECTION_SEP.join([title, "副题" if n % 2 else "", "", body]),
            "title_grams": f"{title}{SECTION_SEP}",
            "words": SECTION_SEP.join([title, "", "", " ".join(["中国", "经济"] * (n % 9) + ["新闻"])]),
            "authors": "张三,李四" if n % 4 == 0 else None,
        })
    return documents


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    long_body = "中国经济，" * 14_000  # positions past 65,535 (4-byte ints) and lists of more than 1,000
    return _sample_documents() + _generated_documents(400) + [{
        "id": "long", "kind": "article", "issue_id": "long", "number": 0, "data": "{}",
        "text_grams": SECTION_SEP.join(["长文", "", "", long_body]), "words": " ".join(["中国", "经济"] * 14_000)}]


def _build_with_whoosh(index_dir: Path, documents: list[dict[str, Any]]) -> index.Index:
    ix = index.create_in(index_dir, make_schema())
    writer = SegmentWriter(ix, _lk=False)
    for document in documents:
        writer.add_document(**document)
    writer._commit_toc([writer._finalize_segment()])
    writer._finish()
    return ix


def _build_with_builder(index_dir: Path, documents: list[dict[str, Any]]) -> index.Index:
    ix = index.create_in(index_dir, make_schema())
    builder = SegmentBuilder(ix)
    for document in documents:
        builder.add_document(**{k: v for k, v in document.items() if v is not None})
    writer = ix.writer()
    writer._close_segment()
    writer._commit_toc([builder.finish()])
    writer._finish()
    return ix


def _contents(ix: index.Index) -> dict[str, Any]:
    """Everything a search can read from the index, in comparable form."""
    schema = ix.schema
    with ix.reader() as reader:
        terms = {}
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_min_length(),
                                 matcher.block_max_length(), matcher.block_max_weight()))
                matcher.next()
            terms[fieldname, btext] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                       info.max_weight(), info.min_id(), info.max_id(), postings)
        docnums = range(reader.doc_count_all())
        scorable = [name for name in schema.names() if schema[name].scorable]
        return {
            "terms": terms,
            "stored": [reader.stored_fields(d) for d in docnums],
            "lengths": [[reader.doc_field_length(d, name) for name in scorable] for d in docnums],
            "field_lengths": [(reader.field_length(n), reader.min_field_length(n), reader.max_field_length(n))
                              for n in scorable],
            "day": list(reader.column_reader("day")),
        }


def test_builder_writes_what_whoosh_writes(tmp_path: Path, documents: list[dict[str, Any]]) -> None:
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "builder").mkdir()
    expected = _contents(_build_with_whoosh(tmp_path / "whoosh", documents))
    actual = _contents(_build_with_builder(tmp_path / "builder", documents))
    assert any(len(postings) > 128 for *_, postings in expected["terms"].values())  # several blocks
    assert actual.keys() == expected.keys()
    for key in expected:
        assert actual[key] == expected[key], key


def test_builder_without_documents_makes_no_segment(tmp_path: Path) -> None:
    ix = index.create_in(tmp_path, make_schema())
    assert SegmentBuilder(ix).finish() is None


@pytest.mark.parametrize("field", [TEXT(analyzer=NgramTokenizer((6.0, 3.0, 1.0, 1.0)), phrase=True),
                                   TEXT(analyzer=WordsTokenizer((6.0, 3.0)), phrase=False)])
def test_field_postings_add_up_the_tokens(field: Any) -> None:
    """The build's postings (positions, then all values at once) are what the tokens yield one by one."""
    values = ["", "中国", f"标题{SECTION_SEP}{SECTION_SEP}正文，正文 ab cd。", "a  b c a", "国中国，中国人", "x"]
    expected: dict[tuple[str, int], tuple[list[int], float]] = {}
    postings = FieldPostings(field)
    for doc, value in enumerate(values):
        tokens = [(token.text, token.pos, token.boost) for token in field.analyzer(value, positions=True)]
        assert postings.add(doc, value) == len(tokens)
        for text, pos, boost in tokens:
            positions, weight = expected.get((text, doc), ([], 0.0))
            expected[text, doc] = (positions + [pos], weight + boost)
    built = postings.sorted_postings()
    assert built.terms == sorted(built.terms) == sorted({text for text, _ in expected})
    actual = {}
    terms = [term for term, size in zip(built.terms, built.term_sizes) for _ in range(size)]
    for p, (term, doc) in enumerate(zip(terms, built.docs.tolist())):
        positions = expected[term, doc][0] if built.positions is None else \
            built.positions[built.position_at[p]:built.position_at[p + 1]].tolist()
        assert built.counts[p] == len(positions)
        actual[term, doc] = (positions, built.weights[p])
    assert actual == expected
