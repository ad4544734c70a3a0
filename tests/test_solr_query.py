"""The Solr engine's query compilation and documents, without a cluster: what is sent to Solr."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from indexer.text.ngrams import SECTION_GAP, ngram_positions
from indexer.engines.solr.admin import CONFIGSET_DIR, configset_name
from indexer.engines.solr.client import SolrUrl, node_url
from indexer.engines.solr.documents import solr_block, solr_document
from indexer.engines.solr.query import grams_phrase, lucene_query
from indexer.query import parse


@pytest.mark.parametrize("text, phrase", [
    ("民", 'text_grams:"民"'),
    ("民警", 'text_grams:"民警"'),
    ("电信诈骗", 'text_grams:"电信 | 诈骗"'),  # 信诈 is implied by the grams around it: a position gap
    ("高质量发展", 'text_grams:"高质 | 量发 发展"'),
    ("new york", 'text_grams:"ne | w _ yo | rk"'),  # `_` is the BREAK between the words
])
def test_a_text_is_a_phrase_of_its_covering_grams_with_gaps(text, phrase):
    assert grams_phrase("text_grams", parse(f"\"{text}\"").text) == phrase


def test_field_scopes_and_operators_compile_to_lucene_clauses():
    assert lucene_query(parse("title:醉驾"), ranked=False) == 'title_grams:"醉驾"'
    assert lucene_query(parse("byline:尹彤"), ranked=False) == 'byline_grams:"尹彤"'
    assert lucene_query(parse("醉驾 NOT 民警"), ranked=False) == '(+text_grams:"醉驾" -text_grams:"民警")'
    assert lucene_query(parse("醉驾 OR -民警"), ranked=False) == '(text_grams:"醉驾" (*:* -text_grams:"民警"))'
    assert lucene_query(parse("-民警"), ranked=False) == '(*:* -text_grams:"民警")'
    assert lucene_query(parse("date:2021-04"), ranked=False) == "day:[20210401 TO 20210431]^=0"
    assert lucene_query(None) == "*:*"


def test_ranking_adds_optional_words_title_and_whole_phrase_clauses():
    query = lucene_query(parse("电信 诈骗"))
    assert query.startswith("+(+(+text_grams:\"电信\"")
    assert 'words:"电信"^0.5' in query and 'title_alone_grams:"诈骗"^3' in query
    assert query.endswith('text_grams:"电信 | 诈骗"^2')  # the words whole, in order: a bonus only


def test_documents_hold_the_local_engines_positions():
    """A gram field's values are the sections' compact texts the local NgramTokenizer indexes, one
    character a position; both engines put SECTION_GAP positions between them."""
    value = "警惕网页攻击\x00副题\x00记者 王某\x00Ｎew  York 民警在社区\n开展反诈宣传"
    sections = solr_document({"text_grams": value})["text_grams"]
    assert sections == ["警惕网页攻击", "副题", "记者王某", "new york民警在社区开展反诈宣传"]
    assert " ".join(sections) == "".join(ngram_positions(value).tokens)
    schema = ElementTree.parse(CONFIGSET_DIR / "schema.xml").getroot()
    grams = next(t for t in schema.iter("fieldType") if t.get("name") == "grams")
    assert int(grams.get("positionIncrementGap")) == SECTION_GAP
    assert all(f.get("multiValued") == "true" for f in schema.iter("field") if f.get("name") in ("text_grams", "title_grams"))


def test_an_issue_and_its_articles_go_as_one_block():
    issue = {"id": "issue:a", "kind": "issue", "issue_id": "a", "sha256": "x", "number": 0,
             "data": '{"page": null}', "day": "20210408"}
    article = {"id": "a/1", "kind": "article", "issue_id": "a", "number": 1, "data": "{}",
               "text_grams": "标题\x00\x00\x00正文", "title_grams": "标题\x00", "words": "标题\x00\x00\x00正文",
               "authors": "王某, 李某", "places": "北京"}
    block = solr_block([issue, article])
    assert (block["id"], block["day"], block["page"]) == ("issue:a", 20210408, 0)
    child = block["_childDocuments_"][0]
    assert child["text_grams"] == ["标题", "", "", "正文"] and child["title_grams"] == ["标题", ""]
    assert child["authors"] == ["王某", "李某"] and child["places"] == ["北京"]


def test_urls_name_a_node_and_a_collection():
    url = SolrUrl.parse("http://127.0.0.1:8983/solr/archive")
    assert (url.base, url.collection) == ("http://127.0.0.1:8983/solr", "archive")
    with pytest.raises(ValueError, match="names a node and a collection"):
        SolrUrl.parse("http://127.0.0.1:8983/solr")
    assert node_url("10.0.0.5:8983_solr", "http") == "http://10.0.0.5:8983/solr"


def test_the_configset_name_carries_a_digest_of_its_files():
    assert configset_name() == configset_name() and configset_name().startswith("newspaper-archive-")
