"""Place names for the `place` facet, from the words jieba finds in an article.

jieba tags many ordinary words `ns` (place name), however frequent: 治安,
锦旗, 上门, 日志, 满意度. A word counts as a place only if it looks like one:

* an administrative name: ends in 省/市/县/区/州/镇/…, three characters or
  more, and is not a generic compound (地区, 城市, 社区, 景区 …);
* or a short name whose province, city or county form is also a place: 济宁
  (济宁市), 浙江 (浙江省). It is shown under that full name, so 济宁 and 济宁市
  count as one place. Only 省/市/县 are used for this: 区, 镇 and 州 turn
  directions and common words into places that do not exist (东北区, 南北镇);
* or an `ns` entry of our dictionary (indexer/text/dictionary/places.txt: countries and
  regions without such a form, 美国, 香港, 东南亚), shown as written.

`NOT_PLACES` holds the common words that pass anyway (新建 because of 新建县).
"""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.text.segmenter import dictionary_files, segmenter

PLACE_TAG = "ns"
_HAS_PLACE_TAG = re.compile(PLACE_TAG.encode("ascii")).search
ADMIN_SUFFIXES = tuple("省市县区州盟旗镇乡村")
FULL_NAME_SUFFIXES = tuple("省市县")  # in order of preference: 济宁 -> 济宁市
GENERIC_ENDINGS = ("地区", "城市", "市区", "城区", "郊区", "山区", "景区", "社区", "园区", "小区", "街区", "灾区",
                   "牧区", "片区", "辖区", "矿区", "欧元区", "农村", "乡村", "山村", "渔村", "县城", "省市")
NOT_PLACES = frozenset({"新建", "高原", "南海", "中美", "南北", "东北", "华北", "华南", "西南", "东南", "西北", "中南",
                        "江南", "古城", "东亚", "太平洋", "长安", "平原"})


def _jieba_places() -> set[str]:
    """jieba's `ns` words.

    Only lines holding the bytes `ns` (1 in 20 of jieba's 350k lines) are
    decoded and split, picked out in C: a Python step per line was 0.3 s
    of a build's first document.
    """
    places: set[str] = set()
    with segmenter().get_dict_file() as dictionary:
        lines = dictionary.read().split(b"\n")
    for raw in filter(_HAS_PLACE_TAG, lines):
        parts = raw.decode("utf-8").split()
        if len(parts) == 3 and parts[2] == PLACE_TAG:
            places.add(parts[0])
    return places


def _is_administrative(word: str) -> bool:
    return len(word) >= 3 and word.endswith(ADMIN_SUFFIXES) and not word.endswith(GENERIC_ENDINGS)


def _full_name(word: str, tagged: set[str]) -> str | None:
    """The name the facet shows for a jieba place word, or None if it is not a place."""
    if len(word) < 2 or word.startswith("各") or word in NOT_PLACES:
        return None
    if _is_administrative(word):
        return word
    return next((word + suffix for suffix in FULL_NAME_SUFFIXES if word + suffix in tagged), None)


def _our_places() -> set[str]:
    places: set[str] = set()
    for path in dictionary_files():
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                parts = line.split()
                if len(parts) >= 2 and parts[-1] == PLACE_TAG:
                    places.add(parts[0])
    return places


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Word (as jieba cuts it) -> the place name the facet shows."""
    tagged = _jieba_places()
    names = {word: name for word in tagged if (name := _full_name(word, tagged)) is not None}
    names.update((word, word) for word in _our_places())
    return names
