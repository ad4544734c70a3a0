"""The field dictionary (indexer/text/dictionary/) keeps the words of police and anti-fraud reporting whole."""
from __future__ import annotations

import pytest

from indexer.text.normalize import compact
from indexer.documents import article_places
from indexer.text.places import place_names
from indexer.text.segmenter import dictionary_files, words


def dictionary_words() -> list[str]:
    entries = []
    for path in dictionary_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entries.append(line.split()[0])
    return entries


def test_the_dictionary_is_there() -> None:
    assert {"反诈中心", "电信网络诈骗", "杀猪盘", "两卡", "断卡", "派出所", "社区民警"} <= set(dictionary_words())


@pytest.mark.parametrize("word", dictionary_words())
def test_a_dictionary_word_stays_whole(word: str) -> None:
    assert words(word) == [word]


@pytest.mark.parametrize("word", dictionary_words())
def test_a_dictionary_word_stays_whole_in_a_sentence(word: str) -> None:
    assert word in words(f"据了解，{word}工作取得成效")


@pytest.mark.parametrize("word", dictionary_words())
def test_dictionary_words_are_written_as_search_sees_them(word: str) -> None:
    assert compact(word).text == word  # folded, simplified, lower case: jieba only ever sees that form


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("打击治理电信网络诈骗犯罪", "电信网络诈骗"),
        ("大理州反诈中心成立以来", "反诈中心"),
        ("以杀猪盘为手段骗人钱财", "杀猪盘"),
        ("依托社区民警、驻村民警开展防范宣传", "社区民警"),
    ],
)
def test_words_in_real_sentences(sentence: str, kept: str) -> None:
    assert kept in words(sentence)


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("大理州", "大理州"),  # an administrative name
        ("济宁", "济宁市"),  # a short name, shown by its full one
        ("北京", "北京市"),
        ("香港", "香港"),  # from dictionary/places.txt
        ("美国", "美国"),
        ("治安", None),  # jieba tags these `ns`; they are not places
        ("锦旗", None),
        ("满意度", None),
        ("长耳朵", None),
        ("各乡镇", None),
        ("东北", None),  # not "东北区"
        ("新建", None),  # not "新建县"
        ("西北地区", None),  # a generic compound
        ("大城市", None),
    ],
)
def test_place_names_are_kept_clean(word: str, name: str | None) -> None:
    assert place_names().get(word) == name


def test_article_places_most_mentioned_first() -> None:
    text = "济宁市公安局在济宁、曲阜两地开展治安巡逻，美国客人送来锦旗。济宁"
    assert article_places(words(compact(text).text))[:2] == ["济宁市", "曲阜市"]
