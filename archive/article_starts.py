"""Does a paragraph start a new article? Small boosted trees over the paragraph and its neighbours.

On a page whose titles are plain lines, a short line may be a headline, a
section heading, a photo caption, an author's name or a line of a poem, and
a dateline paragraph may open a new brief or the second part of one story.
No single rule tells them apart; the neighbours do (a headline is followed
by a credit, a dateline or an author's line; a section heading by plain
body text in a story that has had no closing credit). So each paragraph is
described by features — today's rules among them (its role from
archive.paragraph_roles, `has_dateline`, a trailing credit) — about itself,
the two paragraphs before and after it, and the page, and gradient-boosted
trees weigh them.

The model lives in `models/article_starts.json`, trained by
`python -m bench.train_splitter` on pages rendered from the shared corpora
(bench.renders): deterministic, and read once per process. Scoring walks
its trees with numpy: the archive needs no machine-learning library.
"""
from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

import numpy as np

from archive.bylines import has_dateline, names_a_role, parse_name_line, split_trailing_credit
from archive.ocr_repair import ends_mid_sentence, ends_sentence
from archive.paragraph_roles import MAX_TITLE, NUMBERED, Item, Role, leaves_open

MODEL_PATH = Path(__file__).resolve().parent / "models" / "article_starts.json"
# A paragraph starts an article when the model gives it at least these odds.
START_THRESHOLD = 0.35
# credited-page rule: how many headlines, and which share of them with a credit line, make a page that credits every story.
CREDITED_PAGE_STORIES = 5
CREDITED_PAGE_SHARE = 0.75
# Characters of body text after which a story is long (a `□` credit then opens the next one).
LONG_BODY = 200
_THRESHOLD_SCORE = math.log(START_THRESHOLD / (1 - START_THRESHOLD))
_LENGTHS = (2, 4, 6, 8, 10, 12, 15, 18, 22, 26, 32, 40, 60, 100)
_PICTURE = re.compile(r"（附?图片|（图）|（书法）|（篆刻）|（油画）|（中国画）|（国画）|（摄影）|（漫画）|（剪纸）|（外[一二三四五]首）|（[二三四五六七八九十]首）")
PICTURE_NOTE = re.compile(r"^[（(]附?(?:图片|照片)[\d０-９一二三四五六七八九十]*张?[）)]$")
_CLOSING_BRACKETS = re.compile(r"[（(][^（）()]{1,30}[）)]$")
# Lines that are never a headline, however short: a bare date (`１９９８年１月７日`), a chapter or article of a
# document (`第二章电力设施的保护范围…`), a row of figures (`东部地区１４９１４．１３６６．５０…`).
_BARE_DATE = re.compile(r"^[\d０-９〇○零一二三四五六七八九十]{2,4}年(?:[\d０-９一二三四五六七八九十]{1,2}月(?:[\d０-９一二三四五六七八九十]{1,3}日)?)?$")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十\d０-９]+[章节条]")
_FIGURE = re.compile(r"[\d０-９．.]")
# A page's own credits and notices, printed on every page of a paper: `责任编辑：周泓洋`, `本版新闻热线…`.
_PAGE_FURNITURE = re.compile(r"^(?:责任编辑|本版编辑|美术编辑|本版责编|本版(?:新闻)?热线)")


def _length(text: str) -> str:
    n = len(text)
    return next((f"le{limit}" for limit in _LENGTHS if n <= limit), "long")


def _end(text: str) -> str:
    """How the text ends: a sentence, a question, a colon, a bracket, a quote, mid-sentence, or a word."""
    if not text:
        return "none"
    last = text[-1]
    if last in "！？!?":
        return "exclaim"
    if ends_sentence(text):
        return "sentence"
    if last in "：:":
        return "colon"
    if last in "）)":
        return "bracket"
    if last in "”’』」":
        return "quote"
    if ends_mid_sentence(text):
        return "mid"
    return "word"


# A line cut every N characters with the cuts turned into spaces has pieces this long at least.
MIN_SPACED_PIECE = 12


def never_a_headline(text: str) -> bool:
    """never-a-headline rule: a date, a chapter heading, a row of figures (half of it digits) or the page's
    own furniture (`责任编辑：…`) heads no story.

    Checked against every headline of pd1998-early: none is one of these.
    """
    return bool(_BARE_DATE.match(text) or _CHAPTER.match(text) or _PAGE_FURNITURE.match(text)
                or 2 * len(_FIGURE.findall(text)) > len(text))


def _spaced_cut(raw: str) -> bool:
    """`１９９７年是亚洲金融市场的多 事之秋。继…`: wrap cuts turned into spaces, equal pieces and a shorter last.

    A headline's own gap (`推动专群结合 做实社区警务`) leaves short or unequal pieces.
    """
    pieces = [len(p) for p in raw.split(" ") if p]
    if len(pieces) < 2:
        return False
    head, last = pieces[:-1], pieces[-1]
    return head[0] >= MIN_SPACED_PIECE and all(p == head[0] for p in head) and last <= head[0]


def _describe(item: Item | None) -> list[str]:
    """The coarse features of a paragraph (prefixed by `_Descriptions.get`): weighed for it and for its four neighbours."""
    if item is None:
        return ["none"]
    text, raw = item.text, item.paragraph.raw
    found = {
        f"role={item.role.value}": True,
        f"len={_length(text)}": True,
        f"end={_end(text)}": True,
        "heading": item.paragraph.level is not None,
        "dateline": has_dateline(raw),
        "name_line": parse_name_line(raw) is not None,
        "full_stop_inside": "。" in text[:-1],
    }
    return [name for name, present in found.items() if present]


def _describe_finely(item: Item | None) -> list[str]:
    """The finer features of a paragraph, weighed for the candidate itself and its next neighbours only."""
    if item is None:
        return []
    text, raw = item.text, item.paragraph.raw
    commas = text.count("，") + text.count(",")
    found = {
        f"lines={min(item.paragraph.lines, 3)}": True,
        "spaced_cut": _spaced_cut(raw),
        f"commas={min(commas, 3)}": True,
        "numbered": NUMBERED.match(text) is not None,
        "picture_note": _PICTURE.search(text) is not None,
        "dash_open": text.startswith(("—", "－", "-")),
        "dash_inside": "——" in text[1:],
        "colon_inside": "：" in text[:-1],
        "bracket_open": text.startswith(("（", "(")),
        "closing_brackets": _CLOSING_BRACKETS.search(text) is not None,
        "trailing_credit": split_trailing_credit(raw)[1] is not None,
        "marker_open": text[:1] in "●△▲■□◆★☆◇",
        "picture_word": text.startswith(("图片", "图为", "图：", "题图", "照片")),
        "digits_open": text[:1].isdigit(),
        "quote_open": text[:1] in "“『「《",
    }
    return [name for name, present in found.items() if present]


# How much of a window of text around a candidate is read for its words (characters).
COHESION_WINDOW = 100
# Paragraphs longer than this that open with no dateline are body text: no cohesion measured.
MAX_CANDIDATE = 60
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def bigrams(text: str) -> set[str]:
    """The pairs of adjacent Chinese characters in the text: words enough to compare two passages without jieba."""
    return {run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


_SHARE_STEPS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7)
_SHARE_NAMES = (*(f"<{step}" for step in _SHARE_STEPS), f">={_SHARE_STEPS[-1]}")


def _share(part: set[str], whole: set[str]) -> str:
    """The share of `part` found in `whole`, in coarse steps (a feature name)."""
    if not part:
        return "empty"
    return _SHARE_NAMES[bisect_right(_SHARE_STEPS, len(part & whole) / len(part))]


def cohesion(items: list[Item], index: int, described: "_Descriptions") -> dict[str, float]:
    """Does the text go on about the same things across this paragraph?

    A section heading sits inside one story: the paragraph after it shares
    words with the paragraphs before it. A headline starts another: its words
    come back in the paragraph under it, and that paragraph shares little
    with the story above. Character pairs stand in for words (no jieba here).
    """
    item = items[index]
    if len(item.text) > MAX_CANDIDATE and not has_dateline(item.paragraph.raw):
        return {"cohesion:na": 1.0}
    prior = set().union(*(described.pairs(j, tail=True) for j in range(max(0, index - 3), index)))
    following = set().union(*(described.pairs(j, tail=False) for j in range(index + 1, min(len(items), index + 4))
                               if items[j].role is not Role.BYLINE))
    own = described.pairs(index, tail=False)
    return {
        f"cohesion:next_in_prev={_share(following, prior)}": 1.0,
        f"cohesion:self_in_next={_share(own, following)}": 1.0,
        f"cohesion:self_in_prev={_share(own, prior)}": 1.0,
    }


class _Descriptions:
    """Each paragraph's own features, worked out once: a paragraph is described as itself and as four neighbours."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.memo: dict[tuple[int, bool], list[str]] = {}  # (paragraph, finely): feature names
        self.pair_memo: dict[tuple[int, bool], set[str]] = {}

    def pairs(self, index: int, tail: bool) -> set[str]:
        """The word pairs of a paragraph's last (`tail`) or first COHESION_WINDOW characters.

        A paragraph no longer than the window is its own head and tail: its pairs are worked out once.
        """
        text = self.items[index].text
        key = (index, tail and len(text) > COHESION_WINDOW)
        if key not in self.pair_memo:
            self.pair_memo[key] = bigrams(text[-COHESION_WINDOW:] if tail else text[:COHESION_WINDOW])
        return self.pair_memo[key]

    def get(self, index: int, prefix: str, full: bool) -> dict[str, float]:
        """The paragraph's features named as `prefix` sees it (`self:len=le8`, `prev:role=title`)."""
        names = self._names(index, finely=False)
        if full:
            names = names + self._names(index, finely=True)
        return {f"{prefix}:{name}": 1.0 for name in names}

    def _names(self, index: int, finely: bool) -> list[str]:
        key = (index, finely)
        if key not in self.memo:
            item = self.items[index] if 0 <= index < len(self.items) else None
            self.memo[key] = _describe_finely(item) if finely else _describe(item)
        return self.memo[key]


# How far (in paragraphs) a title-like line looks for lines printed like it.
SIBLING_WINDOW = 15


def siblings(items: list[Item], index: int) -> dict[str, float]:
    """Is this line one of a series? Section headings come in parallel sets.

    `风景这边好 / 症结在哪里 / 解决新矛盾`, `原因之一：… / 原因之二：…`: the
    headings of one story share their length or their first or last
    characters; the headlines of a page rarely do.
    """
    item = items[index]
    if item.role is not Role.TITLE:
        return {}
    text = item.text
    same_length = same_edge = 0
    for other in items[max(0, index - SIBLING_WINDOW) : index + SIBLING_WINDOW + 1]:
        if other is item or other.role is not Role.TITLE:
            continue
        same_length += len(other.text) == len(text)
        same_edge += other.text[:2] == text[:2] or other.text[-2:] == text[-2:]
    return {f"siblings:same_length={min(same_length, 2)}": 1.0, f"siblings:same_edge={min(same_edge, 2)}": 1.0}


def features(items: list[Item], index: int, page: dict[str, float], described: _Descriptions | None = None) -> dict[str, float]:
    """Everything the model may weigh for paragraph `index` of the page."""
    item = items[index]
    described = described or _Descriptions(items)

    def at(offset: int) -> Item | None:
        j = index + offset
        return items[j] if 0 <= j < len(items) else None

    found = {"bias": 1.0, **page, **cohesion(items, index, described), **siblings(items, index)}
    for offset, prefix, full in ((0, "self", True), (-1, "prev", True), (1, "next", True), (-2, "prev2", False), (2, "next2", False)):
        found.update(described.get(index + offset, prefix, full))
    previous = at(-1)
    if previous is not None and previous.paragraph.block == item.paragraph.block:
        found["same_block_as_prev"] = 1.0
    if index == 0:
        found["first_on_page"] = 1.0
    short_run = sum(1 for j in range(-2, 3) if (other := at(j)) is not None and len(other.text) <= 20 and not ends_sentence(other.text))
    found[f"short_run={short_run}"] = 1.0
    # Pairs the model cannot add up from single features: what a headline looks like *and* what follows it.
    self_role, next_item = item.role.value, at(1)
    if next_item is not None:
        found[f"pair:{self_role}+{next_item.role.value}"] = 1.0
        found[f"pair:{_length(item.text)}+next_dateline={has_dateline(next_item.paragraph.raw)}"] = 1.0
    if previous is not None:
        found[f"pair:prev_end={_end(previous.text)}+{self_role}"] = 1.0
        found[f"pair:prev_role={previous.role.value}+{self_role}"] = 1.0
    return found


def page_features(items: list[Item]) -> dict[str, float]:
    """What the whole page is like: markdown headings, hard wraps, many short lines."""
    headings = sum(1 for i in items if i.paragraph.level is not None)
    short = sum(1 for i in items if len(i.text) <= 20)
    return {
        "page:headings": float(headings >= 2),
        "page:wrapped": float(any(i.paragraph.ends_full_line for i in items)),
        f"page:short_share={min(int(10 * short / max(len(items), 1)), 9)}": 1.0,
    }


def is_candidate(item: Item) -> bool:
    """Whether the model is asked at all: a title-like line, a heading, or body text that opens with a dateline.

    Other paragraphs (long body text, credits, captions) never start an
    article by themselves; the rules below handle the few that do.
    """
    return item.role is Role.HEADING or _title_like(item) or (item.role is Role.BODY and has_dateline(item.paragraph.raw))


def _title_like(item: Item) -> bool:
    """A title-like line, or body text that may be a long headline (`忠诚的共产主义战士，…同志逝世`): short, ending on a word."""
    if item.role is Role.TITLE:
        return True
    text = item.text
    return item.role is Role.BODY and len(text) <= MAX_CANDIDATE and _end(text) in ("word", "exclaim") and not leaves_open(text)


class Model:
    """Gradient-boosted decision trees over the features, as trained by bench.train_splitter.

    Every feature is 0 or 1 (absent or present), so each tree node asks
    whether a feature is present. The trees are stored as lists
    `[feature, left, right, value]` (a leaf has feature -1) and walked all at
    once, one level per numpy step (a tree walk per tree in Python took most
    of splitting's time), over flat arrays: a node is an offset, its two
    children sit side by side, so one level is three array lookups.
    """

    def __init__(self, data: dict) -> None:
        self.baseline: float = data["baseline"]
        self.index = {name: i for i, name in enumerate(data["features"])}
        trees = data["trees"]
        width = max(len(tree) for tree in trees)
        absent = len(self.index)  # a leaf asks about this slot, never present
        feature = np.full((len(trees), width), absent, dtype=np.int64)
        children = np.zeros((len(trees), width, 2), dtype=np.int64)
        value = np.zeros((len(trees), width))
        for t, tree in enumerate(trees):
            for node, (asked, left, right, leaf_value) in enumerate(tree):
                leaf = asked < 0  # a leaf leads to itself: trees of any depth walk the same steps
                feature[t, node] = absent if leaf else asked
                children[t, node] = (node, node) if leaf else (left, right)
                value[t, node] = leaf_value
        # Flat, so that one level of every tree is three numpy steps: node numbers are offsets into these.
        offsets = (np.arange(len(trees)) * width)[:, None]
        self.feature = feature.ravel()
        self.children = (children + offsets[:, :, None]).reshape(-1)
        self.value = value.ravel()
        self.roots = offsets.ravel()
        self.depth = max(_depth(tree) for tree in trees)

    def score(self, found: dict[str, float]) -> float:
        """The log-odds that the paragraph described by `found` starts an article."""
        present = np.zeros(len(self.index) + 1, dtype=np.int64)
        index = self.index
        present[[index[name] for name, value in found.items() if value > 0.5 and name in index]] = 1
        nodes = self.roots
        for _ in range(self.depth):
            nodes = self.children[2 * nodes + present[self.feature[nodes]]]
        return self.baseline + float(self.value[nodes].sum())


def _depth(tree: list[list]) -> int:
    """The longest path from the root to a leaf."""
    depths = {0: 0}
    for node, (feature, left, right, _) in enumerate(tree):
        if feature >= 0:
            depths[left] = depths[right] = depths[node] + 1
    return max(depths.values())


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> Model:
    """The trained model (read once per process)."""
    return Model(json.loads(path.read_text(encoding="utf-8")))


class ArticleState:
    """What the walk has seen since the last start: the model's only view of its own earlier decisions.

    Scoring goes left to right and feeds each decision into the next
    paragraph's features (training feeds the true labels), so a line right
    under a headline is weighed as a subtitle, a dateline in a long story as
    a new brief.
    """

    def __init__(self) -> None:
        self.since_start = -1  # paragraphs since the last start; -1 before the first
        self.body_chars = 0
        self.dateline = False
        self.closed = False

    def since_name(self) -> str:
        """The feature of how many paragraphs ago the last article started."""
        since = self.since_start
        return "state:since=" + ("none" if since < 0 else str(since) if since < 4 else "4-6" if since <= 6 else "7+")

    def features(self) -> dict[str, float]:
        chars = self.body_chars
        chars_name = "0" if chars == 0 else "<100" if chars < 100 else "<400" if chars < 400 else "<1000" if chars < 1000 else "more"
        return {self.since_name(): 1.0, f"state:body={chars_name}": 1.0,
                "state:dateline": float(self.dateline), "state:closed": float(self.closed)}

    def update(self, item: Item, start: bool, headline: bool = False) -> None:
        """Take in the paragraph just decided; a `headline` read as body text (credited_headline) is no body text."""
        if start:
            self.since_start, self.body_chars, self.dateline, self.closed = 0, 0, False, False
        elif self.since_start >= 0:
            self.since_start += 1
        if item.role is Role.BODY and not headline:
            self.body_chars += len(item.text)
        self.dateline = self.dateline or has_dateline(item.paragraph.raw)
        bracketed = item.text.startswith(("（", "(", "【")) and item.text.endswith(("）", ")", "】"))
        self.closed = (item.role is Role.BYLINE and (self.body_chars > 0 or bracketed) and not item.text.endswith(("摄", "摄）", "摄)"))
                       and not item.text.startswith(("—", "―", "－", "□", "■"))  # a signature closes a note; a boxed credit opens
                       or _PAGE_FURNITURE.match(item.text) is not None)  # `责任编辑：…` ends the column's last story


def with_state(found: dict[str, float], state: ArticleState, item: Item) -> dict[str, float]:
    """The paragraph's features and the state's, with the pairs that matter most."""
    combined = {**found, **state.features()}
    since = state.since_name()
    combined[f"pair:{since}+role={item.role.value}"] = 1.0
    combined[f"pair:{since}+dateline={has_dateline(item.paragraph.raw)}"] = 1.0
    combined[f"pair:closed={state.closed}+role={item.role.value}"] = 1.0
    return combined


def _ruled(items: list[Item], index: int, starts: list[bool], state: ArticleState) -> bool | None:
    """Today's rules decide where they are never wrong on the pages seen; None leaves it to the model.

    subtitle rule: a title-like line right under a headline is its subtitle
    (`连云港公安726名社区民警全部回归主责主业`), not the next article; nor is
    a run-in section heading (`全力侦查破案——`) inside a story.
    never-a-headline rule: a date, a chapter heading or a row of figures
    (never_a_headline) starts nothing.
    boxed-credit rule: a `□ 本报记者 …` line after a long story, with body
    text under it, opens the next article (its headline lost by the OCR).
    closed-article rule: a line after a closing credit (`【于建勇】`, `（晓王）`)
    starts an article, titled or not; otherwise a paragraph of body text
    starts one only when it opens with a dateline (`本报讯`, `新华社…电`).
    byline-follows rule: a title-like line (or a headline that reads as a
    sentence, credited_headline) with a reporter's credit line
    (`□ 本报记者 …`) under it starts an article, unless it is itself under
    a headline (title, subtitle, credit); so does one with a picture note
    (`（附图片１张）`) under it.
    """
    item = items[index]
    if index and starts[-1] and item.role is Role.TITLE and items[index - 1].role in (Role.TITLE, Role.HEADING):
        return False
    if item.role in (Role.TITLE, Role.HEADING) and never_a_headline(item.text):
        return False
    if state.body_chars and item.role is Role.TITLE and item.text.endswith("——"):
        return False  # run-in section heading rule: `全力侦查破案——` + its second line
    following = items[index + 1] if index + 1 < len(items) else None
    if state.body_chars and item.role is Role.TITLE and following is not None and following.text.endswith("——"):
        return False  # …and the line over a run-in heading is a heading of the same story
    if state.closed and item.role in (Role.BODY, Role.TITLE):
        return True
    if item.role is Role.TITLE and split_trailing_credit(item.paragraph.raw)[1] is not None:
        return False  # closing-credit rule: `谢谢！（新华社北京１２月３１日电）` ends a story, it does not start one
    title_like = _title_like(item)
    if (title_like or credited_headline(items, index)) and _credit_line_under(items, index) and not (index and starts[-1]):
        return True  # byline-follows rule: a reporter's credit line is printed under its headline
    if title_like and following is not None and PICTURE_NOTE.match(following.text) and not (index and starts[-1]):
        return True  # picture-note rule: `（附图片１张）` is printed under a headline
    if item.role is Role.BODY and not has_dateline(item.paragraph.raw) and _end(item.text) != "word":
        return False  # dateline-opens rule: body text opens an untitled brief only with its dateline
    if item.role is Role.BYLINE and item.paragraph.raw.lstrip().startswith(("□", "■")) and state.body_chars >= LONG_BODY:
        return following is not None and following.role is Role.BODY  # boxed-credit rule (archive.articles)
    return None if is_candidate(item) else False


def _credit_line_under(items: list[Item], index: int) -> bool:
    """Whether a reporter's credit line is printed right under the line at `index`."""
    following = items[index + 1] if index + 1 < len(items) else None
    return following is not None and following.role is Role.BYLINE and names_a_role(following.byline)


def _dateline_under(items: list[Item], index: int) -> bool:
    """Whether the story under the line at `index` (past one subtitle line) opens with a dateline.

    A dateline (`本报北京１月６日讯记者费伟伟报道`) opens a story, never a
    section of one: the line over it is a headline, credited or not.
    """
    for following in items[index + 1 : index + 3]:
        if following.role is not Role.TITLE:
            return following.role is Role.BODY and has_dateline(following.paragraph.raw)
    return False


def credited_headline(items: list[Item], index: int) -> bool:
    """A headline that reads as a sentence (`饭桌上，谁先动筷子？——孩子，还是老人？`), told by the credit line under it.

    Body text short enough for a headline, with no full stop in it, and a
    reporter's credit line (`本报记者 祝华新`) printed right under it: a story's
    text does not run on into its reporter's name.
    """
    text = items[index].text
    return items[index].role is Role.BODY and len(text) <= MAX_TITLE and "。" not in text and _credit_line_under(items, index)


def _credits_every_story(items: list[Item], starts: list[bool]) -> bool:
    """credited-page rule: a page that prints a reporter's credit line under every headline (seed 002).

    There a title-like line without one is a section heading, unless its
    story opens with a dateline (`_dateline_under`). It takes
    CREDITED_PAGE_STORIES credited headlines or more, and three in four of
    all headlines credited; on pages that credit some stories only (People's
    Daily: about three in ten) the rule does not apply.
    """
    headlines = [i for i, start in enumerate(starts) if start and items[i].role is Role.TITLE]
    credited = sum(1 for i in headlines if _credit_line_under(items, i))
    return credited >= CREDITED_PAGE_STORIES and credited >= CREDITED_PAGE_SHARE * len(headlines)


def _walk(items: list[Item], credited_page: bool) -> list[bool]:
    model = load_model()
    page = page_features(items)
    described = _Descriptions(items)
    state = ArticleState()
    starts: list[bool] = []
    for index, item in enumerate(items):
        start = _ruled(items, index, starts, state)
        if start is None:  # the model is asked only where no rule decides: its features are most of splitting's time
            start = model.score(with_state(features(items, index, page, described), state, item)) >= _THRESHOLD_SCORE
        if start and credited_page and item.role is Role.TITLE and not (_credit_line_under(items, index) or _dateline_under(items, index)):
            start = False
        starts.append(start)
        state.update(item, start, headline=start and credited_headline(items, index))
    return starts


def decide_starts(items: list[Item]) -> list[bool]:
    """For each paragraph, whether it starts an article (its title, or an untitled item's first paragraph).

    A second walk applies the credited-page rule when the first finds a page
    that credits every story on a line of its own.
    """
    starts = _walk(items, credited_page=False)
    return _walk(items, credited_page=True) if _credits_every_story(items, starts) else starts
