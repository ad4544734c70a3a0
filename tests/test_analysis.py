"""Normalization and the n-gram tokenizer: what the index stores is what a query looks for."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, Term

from indexer.engines.whoosh.analyzers import NgramTokenizer, WordsTokenizer, ngram_analyzer
from indexer.engines.whoosh.phrase import Docnums
from indexer.engines.whoosh.ranking import grams, to_whoosh
from indexer.text.ngrams import SECTION_GAP, SECTION_SEP, covering, decode_gram_keys, gram_tokens, query_grams
from indexer.text.normalize import BREAK, compact, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("１９９８年", "1998年"),  # full-width digits
        ("ＡＢＣ abc", "abc abc"),  # full-width letters, case
        ("時段警務", "时段警务"),  # traditional -> simplified
        ("詐騙", "诈骗"),
        ("电信诈骗", "电信诈骗"),  # simplified text is left alone
        ("⑩", "⑩"),  # NFKC would make it two characters: kept, offsets stay 1:1
    ],
)
def test_fold_is_one_character_for_one(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "searchable"),
    [
        ("犯罪团\n伙", "犯罪团伙"),  # OCR line break inside a word
        ("劲 往基层使", "劲往基层使"),  # stray space between Chinese characters
        ("去年 9月", "去年9月"),
        ("New York", f"new{BREAK}york"),  # a space between Latin words is a word break
        ("5.6万", f"5{BREAK}6万"),  # punctuation is one break
        ("“杀猪盘”为手段", f"杀猪盘{BREAK}为手段"),  # no break at the edges
    ],
)
def test_compact_keeps_what_search_compares(text: str, searchable: str) -> None:
    assert compact(text).text == searchable


def test_compact_offsets_point_into_the_original() -> None:
    text = "劲 往基层使，犯罪团\n伙"
    result = compact(text)
    for i, char in enumerate(result.text):
        if char != BREAK:
            assert fold(text[result.offsets[i]]) == char
    assert text[slice(*result.span(0, 5))] == "劲 往基层使"


def test_tokens_have_ordinal_positions_and_real_offsets() -> None:
    text = "连南，县"
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in NgramTokenizer()(text, positions=True, chars=True)]
    assert tokens == [("连", 0, 0, 1), ("连南", 0, 0, 2), ("南", 1, 1, 2), (BREAK, 2, 2, 3), ("县", 3, 3, 4)]


def test_tokenizer_honours_start_pos_and_start_char() -> None:
    token = next(iter(NgramTokenizer()("貉", positions=True, chars=True, start_pos=7, start_char=100)))
    assert (token.pos, token.startchar, token.endchar) == (7, 100, 101)


def test_tokenizer_can_pass_text_through_untokenized() -> None:
    assert [t.text for t in NgramTokenizer()("時段 警務", tokenize=False)] == ["時段 警務"]


@pytest.mark.parametrize(
    ("query", "grams"),
    [
        ("貉", ["貉"]),
        ("连南", ["连南"]),
        ("电信网络诈骗", ["电信", "信网", "网络", "络诈", "诈骗"]),
        (f"5{BREAK}6万", ["5", BREAK, "6万"]),
        (f"a{BREAK}b", ["a", BREAK, "b"]),
    ],
)
def test_query_grams(query: str, grams: list[str]) -> None:
    assert query_grams(query) == grams


def _ram_index(*bodies: str):
    ix = RamStorage().create_index(Schema(body=TEXT(analyzer=ngram_analyzer(), phrase=True)))
    with ix.writer() as writer:
        for body in bodies:
            writer.add_document(body=body)
    return ix


@pytest.mark.parametrize(
    ("body", "query", "found"),
    [
        ("打击治理电信网络\n诈骗犯罪", "电信网络诈骗", True),
        ("电信诈骗和网络诈骗", "电信网络诈骗", False),  # not in a row
        ("中华人民共和国公安部", "人民共和国", True),
        ("抓获涉案犯罪嫌疑人3名", "3名", True),
        ("止付5.6万余个", "5.6万", True),
        ("止付5.6万余个", "5,6万", True),  # any punctuation is a break
        ("止付56万余个", "5.6万", False),
        ("山东。济宁", "山东济宁", False),  # not across punctuation
        ("他笑得哈哈哈", "哈哈哈", True),  # the same gram twice
        ("哈哈，哈", "哈哈哈", False),
        ("网络安全与电信网络诈骗", "电信网络诈骗", True),  # a later occurrence of the first gram
    ],
)
def test_phrase_of_grams_matches_only_in_a_row(body: str, query: str, found: bool) -> None:
    ix = _ram_index(body)
    q = to_whoosh(grams("body", compact(query).text))
    with ix.searcher() as searcher:
        assert bool(len(searcher.search(q))) is found


def test_analyzer_pickles_because_the_schema_does() -> None:
    analyzer = ngram_analyzer()
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_sections_are_boosted_and_a_break_apart() -> None:
    tokenizer = NgramTokenizer(section_boosts=(6.0, 1.0))
    tokens = [(t.text, t.pos, t.boost) for t in tokenizer(f"连南{SECTION_SEP}貉", positions=True)]
    gap = SECTION_GAP
    assert tokens == [("连", 0, 6.0), ("连南", 0, 6.0), ("南", 1, 6.0), (BREAK, 2 + gap, 1.0), ("貉", 3 + gap, 1.0)]


def test_a_phrase_never_runs_from_one_section_into_the_next() -> None:
    ix = RamStorage().create_index(Schema(text=TEXT(analyzer=ngram_analyzer((6.0, 1.0)), phrase=True)))
    with ix.writer() as writer:
        writer.add_document(text=f"标题连{SECTION_SEP}南县正文")
    with ix.searcher() as searcher:
        assert len(searcher.search(Term("text", "连南"))) == 0
        assert len(searcher.search(Term("text", "南县"))) == 1


def test_a_title_occurrence_weighs_its_section_boost() -> None:
    ix = RamStorage().create_index(Schema(text=TEXT(analyzer=ngram_analyzer((6.0, 1.0)), phrase=True)))
    with ix.writer() as writer:
        writer.add_document(text=f"貉{SECTION_SEP}貉貉")
    with ix.searcher() as searcher:
        assert searcher.reader().postings("text", "貉").weight() == 8.0


def test_words_tokenizer_splits_on_spaces_and_boosts_sections() -> None:
    tokens = [(t.text, t.boost) for t in WordsTokenizer((6.0, 1.0))(f"杀猪盘 案{SECTION_SEP}民警", positions=True)]
    assert tokens == [("杀猪盘", 6.0), ("案", 6.0), ("民警", 1.0)]


def test_docnums_restricts_a_query_across_segments() -> None:
    ix = RamStorage().create_index(Schema(body=TEXT(analyzer=ngram_analyzer(), phrase=True)))
    for batch in (["诈骗一", "诈骗二"], ["诈骗三", "诈骗四"]):
        writer = ix.writer()
        for body in batch:
            writer.add_document(body=body)
        writer.commit(merge=False)  # two segments: docnums 2 and 3 live in the second
    with ix.searcher() as searcher:
        assert not searcher.is_atomic()
        found = searcher.search(And([Docnums([0, 3]), Term("body", "诈骗")]), limit=None)
        assert sorted(hit.docnum for hit in found) == [0, 3]


@pytest.mark.parametrize(
    ("text", "offsets"),
    [
        ("连南", [0]),
        ("习近平", [0, 1]),
        ("乡村振兴", [0, 2]),
        ("高质量发展", [0, 2, 3]),
        ("电信网络诈骗", [0, 2, 4]),
        (f"5{BREAK}6万", [0, 1, 2]),
    ],
)
def test_covering_grams_pin_down_every_character(text: str, offsets: list[int]) -> None:
    assert covering(query_grams(text)) == offsets


def test_gram_keys_sort_as_the_utf8_of_their_terms() -> None:
    """Whoosh's term index needs terms in UTF-8 byte order; the build sorts integer keys instead."""
    values = ["a中𠀀b é9", "ab", "𠀀", "中 中国"]  # ASCII, Latin, CJK and a character beyond the BMP
    texts = [NgramTokenizer().positions(value).tokens for value in values]
    keys, at = gram_tokens("".join(texts), np.cumsum([0] + [len(t) for t in texts]))
    terms = decode_gram_keys(np.unique(keys))
    assert terms == sorted(terms, key=lambda term: term.encode("utf-8"))
    # exactly the tokenizer's terms: none made of the end of one value and the start of the next
    assert set(terms) == {token.text for value in values for token in NgramTokenizer()(value)}
    assert len(at) == len(keys)
