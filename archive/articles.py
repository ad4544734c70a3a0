"""Split a page's repaired text into articles (title, subtitle, byline, body).

The page is read as a sequence of paragraphs (archive.layout), each given a
role on its own (archive.paragraph_roles), then walked once in page order. Named rules decide where an
article starts; each says what it gets wrong:

- `heading_level_rule`: a markdown heading at the level of the current
  article's title or above starts a new article; a deeper one is a section
  heading. Wrong when a page uses `###` for a new article's title right
  after a `#` title (see `third_heading_rule`).
- `third_heading_rule`: an article's head takes a title and a subtitle; a
  third heading before any body starts an article of its own. A head right
  under a reporter's credit line (`□ 本报记者 …`) is the first section
  heading; under an artist's or photographer's credit (a picture without
  text) it is the next article.
- `byline_follows_rule`: a title-like line followed by a byline or a
  dateline (`本报讯`) starts an article, whatever else holds.
- `closed_article_rule`: a credit after the body (`【胡正学】`, `… 通讯员 蒋帅`)
  ends its article; what follows starts a new one.
- `section_heading_rule`: a plain title-like line inside an open article
  is a section heading when it ends in `——` or is numbered (`一、`), or when
  the line is short (12 characters or fewer) and either a markdown heading
  deeper than the article's title or inside a credited feature (a credit
  line of its own before the body, and body text already). Otherwise it starts a
  new article. Wrong for short titles of uncredited stories following a
  credited feature, and for long section headings.
- `titles_after_rule`: when the page ends on a title (nothing after it) and
  titles follow closing credits more often than credits follow titles, the
  page prints titles after their articles: a title right after a closing
  credit names the article it follows. Only there is a short first line
  read as a kicker (`邹城市公安局`). Wrong for such a page whose last item
  is a caption or an untitled brief (read as titles-before).
- `article_blocks_rule`: when blank lines separate articles rather than
  paragraphs (most blocks hold several paragraphs), each block that starts
  on a title-like line is an article, and title-like lines inside a block
  are body text (a poem's lines, a table row).
- `dateline_opens_rule`: a body paragraph opening with a dateline
  (`本报讯`, `新华社…电`) after the current article's body starts a new one
  (an editor's preface `编者按：…` before it is not body yet).
- `continuation_rule`: a body that follows a closed article without a title
  of its own continues an earlier article that has a title but no body yet
  (a story jumped to another column).
- `verse_rule`: more than three title-like lines in a row are a poem or a
  list: body text, not heads.
- `caption_rule`: a paragraph ending in a photo credit (`… 王子强 摄`) is a
  caption: a short article of its own (kind "caption"), or the text of the
  title right above it (`冬泳迎新年（图片）`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from archive.article_starts import bigrams, credited_headline, decide_starts
from archive.bylines import Byline, DatelineParts, has_dateline, merge_bylines, names_a_role, parse_dateline, parse_name_line, split_opening, split_trailing_credit
from archive.issues import Issue
from archive.layout import Paragraph, page_paragraphs
from archive.ocr_repair import collapse_spaces, ends_mid_sentence, ends_sentence, first_sentence, remove_spaces_inside_chinese, starts_with_cut_word
from archive.paragraph_roles import LONG_PARAGRAPH, NUMBERED, Item, Role, classify, rejoin_cut_paragraphs

MAX_SECTION_HEADING = 12
MAX_KICKER = 8
# The first line of an article block can be a long title (`新华社播发：…——…述评`).
MAX_BLOCK_TITLE = 80
# A kicker, a title and a subtitle: a longer run of short lines is verse or a list.
MAX_HEAD_LINES = 3
# Share of a section heading's word pairs an earlier story must hold to take it back (resumed-story rule).
RESUME_SHARE = 0.25
# Share of a photo caption's word pairs the open story must hold for the caption to be its photo's (caption rule).
CAPTION_SHARE = 0.15
# `三个强化 统筹推进`: two short parallel phrases, the usual form of a section heading.
_PARALLEL_PHRASES = re.compile(r"^[\u4e00-\u9fff“”]{2,8} [\u4e00-\u9fff“”]{2,8}$")
# An editor's preface printed between the title and the dateline.
_PREFACE = re.compile(r"^(?:编者按|编者的话|编前|编后|核心提示|内容提要|提要|导读|题记)")
_PICTURES = re.compile(r"^(?:附?图片|照片)[：:]?$")
_COLUMN_LABEL = re.compile(r"^[^\s·]{2,6}[·•・][^\s·]{2,6}$")


@dataclass(frozen=True)
class Article:
    """One article of a page, in page order.

    `id` is f"{issue_id}/{number}" and stays stable while the issue file is
    unchanged. `title_source` says how the title was found: "heading"
    (markdown), "line" (a short plain line), "after" (printed after its
    article) or "first_sentence" (no reliable title: the first sentence
    stands in). `kind` is "article" or "caption" (a photo caption).
    Paragraphs are display text; a section heading inside an article is a
    paragraph of its own and listed again in `headings`.
    `kicker` is the short line printed above a title (`邹城市公安局`),
    `column` the page's column label above it (`公安一线·经验谈`), `dateline`
    the `本报济宁讯` / `新华社北京１月１日电` opening taken off the body, with the
    place it names (`dateline_place`) and its day as a date (`dateline_date`,
    YYYY-MM-DD, when the issue's year is known). `captions` are the photo
    captions printed with the article (each with its credit), shown under
    it and searched with its body, never a paragraph of it. `byline` is the
    credit alone (names and roles); the dateline is not repeated there.
    """

    id: str
    issue_id: str
    number: int
    title: str
    title_source: str
    subtitle: str | None
    byline: str | None
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]
    headings: tuple[str, ...] = field(default=())
    kind: str = "article"
    kicker: str | None = None
    column: str | None = None
    dateline: str | None = None
    captions: tuple[str, ...] = field(default=())
    dateline_place: str | None = None
    dateline_date: str | None = None

    @property
    def body(self) -> str:
        """The article's paragraphs joined by newlines (search also reads the dateline and captions: indexer.fields.body_text)."""
        return "\n".join(self.paragraphs)


@dataclass
class _Draft:
    """An article being assembled (mutable while the page is walked)."""

    title: str | None = None
    title_source: str = "first_sentence"
    title_level: int | None = None
    subtitle: str | None = None
    kicker: str | None = None
    column: str | None = None
    dateline: str | None = None
    bylines: list[Byline] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    kind: str = "article"
    captions: list[str] = field(default_factory=list)
    pictures: bool = False  # a `图片：` line announced photos: the captions after it are this article's
    closed: bool = False
    last_block: int | None = None  # the page block its last body paragraph came from
    credit_line: bool = False  # credited on a line of its own with a role (`本报记者 …`), not in a dateline

    def add_body(self, item: Item) -> None:
        """Add a body paragraph, taking its opening dateline and closing credit off it."""
        opening = split_opening(item.paragraph.raw)
        raw = opening.rest
        if opening.dateline and not self.has_long_body():
            self.dateline = opening.dateline
            if opening.byline:
                self.bylines.append(opening.byline)
        else:
            raw = item.paragraph.raw
        raw, credit, _ = split_trailing_credit(raw)
        text = collapse_spaces(remove_spaces_inside_chinese(raw))
        if text:
            self.paragraphs.append(text)
        if credit:
            self.bylines.append(credit)
            self.closed = True

    def add_caption(self, item: Item, joins_previous: bool = False) -> None:
        """A photo caption with its credit (`１、大江截流展宏图 …（李舸摄）`): shown under the article, not in its body."""
        body, credit, _ = split_trailing_credit(item.paragraph.raw)
        text = collapse_spaces(remove_spaces_inside_chinese(body))
        if credit:
            text = f"{text} {credit.text}" if text else credit.text  # the credit keeps the gaps between its names
        if joins_previous and self.captions:
            self.captions[-1] += " " + text
        else:
            self.captions.append(text)

    def is_credited_feature(self) -> bool:
        """A long piece under a credit line of its own (`□ 本报记者 尹彤`): the kind that has section headings."""
        long_paragraphs = sum(1 for p in self.paragraphs if len(p) >= LONG_PARAGRAPH)
        return self.credit_line and long_paragraphs >= 1

    def has_long_body(self) -> bool:
        """Whether the body holds more than a photo caption."""
        return any(len(p) >= LONG_PARAGRAPH for p in self.paragraphs)

    def has_news_text(self) -> bool:
        """Whether the body holds more than a caption or an editor's preface (`编者按：…`), which come before a dateline."""
        return any(len(p) >= LONG_PARAGRAPH and not _PREFACE.match(p) for p in self.paragraphs)

    def add_section(self, texts: list[str]) -> None:
        """Section headings inside the article; `全力侦查破案——` runs on into the line after it."""
        for heading in _run_in_joined(texts):
            self.headings.append(heading)
            self.paragraphs.append(heading)

    def set_head(self, items: list[Item], source: str) -> None:
        """Title, subtitle and kicker from a head group (one to three lines).

        kicker rule, for titles printed after their articles only: a first
        plain line of MAX_KICKER characters or fewer is a kicker when a title
        and a subtitle follow it, or when it is much shorter than the line
        after it (`邹城市公安局` over `联勤巡防新机制 …`). Elsewhere the first
        line is the title: a short line under a short title is as often an
        author's line (`山东烟台市委宣传部赵巍巍`) as a title under a kicker.
        """
        texts = [i.title_text for i in items]
        short_first = source == "after" and len(texts) >= 2 and len(texts[0]) <= MAX_KICKER
        if short_first and (len(texts) == 3 or len(texts[0]) * 1.5 < len(texts[1])):
            self.kicker, texts = texts[0], texts[1:]
        self.title, self.title_source = texts[0], source
        self.title_level = items[0].paragraph.level
        if len(texts) > 1:
            self.subtitle = " ".join(texts[1:])


def _run_in_joined(texts: list[str]) -> list[str]:
    """`全力侦查破案——` + `保持严打高压态势` -> one heading; other lines stay apart."""
    joined: list[str] = []
    for text in texts:
        if joined and joined[-1].endswith("——"):
            joined[-1] += text
        else:
            joined.append(text)
    return joined


def _head_group(items: list[Item], start: int, blocks_mode: bool = False) -> int:
    """End index of the run of headings / title lines starting at `start`.

    A markdown heading after a plain line starts a head of its own; so does,
    where blank lines separate articles, a plain title line in a block after
    another plain title's block (the article before had no body).
    """
    end = start + 1
    while end < len(items) and items[end].role in (Role.HEADING, Role.TITLE):
        previous, item = items[end - 1], items[end]
        new_block = item.paragraph.block != previous.paragraph.block
        if item.role is Role.HEADING and previous.role is Role.TITLE:
            break
        if blocks_mode and new_block and item.role is Role.TITLE and previous.role is Role.TITLE:
            break
        end += 1
    return end


def _is_credit_start(item: Item | None) -> bool:
    return item is not None and (
        item.role is Role.BYLINE or (item.role is Role.BODY and has_dateline(item.paragraph.raw))
    )


def _byline_follows(items: list[Item], end: int) -> bool:
    """byline_follows_rule: a credit or dateline right after the head, or after one short line (a photo caption)."""
    after = items[end] if end < len(items) else None
    if _is_credit_start(after):
        return True
    after2 = items[end + 1] if end + 1 < len(items) else None
    return after is not None and (after.role is Role.CAPTION or len(after.text) <= LONG_PARAGRAPH) and _is_credit_start(after2)


def _is_section_heading(draft: _Draft, group: list[Item]) -> bool:
    """section_heading_rule: a heading inside an open article rather than a new article's title."""
    texts = [i.text for i in group]
    if any(t.endswith("——") for t in texts) or NUMBERED.match(texts[0]) or _PARALLEL_PHRASES.match(group[0].title_text):
        return True
    deeper = group[0].role is Role.HEADING and draft.title_level is not None
    short = len(group) == 1 and len(texts[0]) <= MAX_SECTION_HEADING
    return short and (deeper or draft.is_credited_feature())


def _starts_article(draft: _Draft | None, group: list[Item], items: list[Item], end: int, blocks_mode: bool) -> bool:
    if draft is None or draft.closed or _byline_follows(items, end):
        return True
    if end < len(items) and items[end].role is Role.CAPTION:
        return True  # caption_rule: a title over a photo caption (`冬泳迎新年（图片）`)
    first = group[0]
    if blocks_mode and first.role is Role.TITLE:
        return True  # article_blocks_rule (a title inside the current block was taken as a section before)
    if not draft.paragraphs:
        # Under a reporter's credit a head is the first section heading; after an artist's or
        # photographer's credit (a picture with no text) it is the next article's. third_heading_rule.
        return not draft.credit_line or (draft.subtitle is not None and first.role is Role.HEADING)
    if first.role is Role.HEADING and draft.title_level is not None and first.paragraph.level <= draft.title_level:
        return True  # heading_level_rule
    return not _is_section_heading(draft, group)


def _column_labels(group: list[Item]) -> tuple[str | None, list[Item]]:
    """A column label (`公安一线·经验谈`) over a title is not a title itself (alone, it is one: `二十四节气·小满`)."""
    if len(group) >= 2 and _COLUMN_LABEL.match(group[0].text):
        return group[0].text, group[1:]
    return None, group


def _titles_after(items: list[Item]) -> bool:
    """titles_after_rule: the page ends on a plain title, and titles follow closing credits more often than they precede opening ones."""
    if not items or items[-1].role is not Role.TITLE:
        return False
    after_credit = before_credit = 0
    for index, item in enumerate(items):
        if item.role is not Role.TITLE or (index and items[index - 1].role is Role.TITLE):
            continue
        end = _head_group(items, index)
        previous = items[index - 1] if index else None
        if previous is not None and previous.role is not Role.CAPTION and _closes(previous):
            after_credit += 1
        if _byline_follows(items, end):
            before_credit += 1
    return after_credit > before_credit


def _closes(item: Item) -> bool:
    """Whether a paragraph is or ends with a closing credit."""
    return item.role is Role.BYLINE or split_trailing_credit(item.paragraph.raw)[1] is not None


def _article_blocks(paragraphs: list[Paragraph]) -> bool:
    """article_blocks_rule: most plain blocks hold two paragraphs or more."""
    sizes: dict[int, int] = {}
    for paragraph in paragraphs:
        if paragraph.level is None:
            sizes[paragraph.block] = sizes.get(paragraph.block, 0) + 1
    if len(sizes) < 2:
        return False
    return sum(1 for n in sizes.values() if n >= 2) >= 0.5 * len(sizes)


def _block_roles(items: list[Item]) -> list[Item]:
    """Roles in article blocks: the block's place says more than the line's length.

    A title-like line after the block's first body paragraph is body text;
    the block's first line is its title even when long (up to
    MAX_BLOCK_TITLE characters, TV news titles run long), unless it reads
    as a sentence.
    """
    seen: set[int] = set()
    seen_body: set[int] = set()
    result = []
    for item in items:
        block = item.paragraph.block
        if item.role is Role.TITLE and block in seen_body:
            item = Item(item.paragraph, Role.BODY)
        elif item.role is Role.BODY and block not in seen and _long_title(item.text):
            item = Item(item.paragraph, Role.TITLE)
        if item.role in (Role.BODY, Role.CAPTION):
            seen_body.add(block)
        seen.add(block)
        result.append(item)
    return result


def _long_title(text: str) -> bool:
    return len(text) <= MAX_BLOCK_TITLE and "。" not in text and not ends_sentence(text) and not ends_mid_sentence(text)


class _Page:
    """The walk over one page's items, collecting drafts in page order."""

    def __init__(self, items: list[Item], titles_after: bool, blocks_mode: bool) -> None:
        self.items = items
        self.titles_after = titles_after
        self.blocks_mode = blocks_mode
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.pending_column: str | None = None

    def new(self, kind: str = "article", current: bool = True) -> _Draft:
        """A new article in page order; it takes the column label seen just before it."""
        draft = _Draft(column=self.pending_column, kind=kind)
        self.pending_column = None
        self.drafts.append(draft)
        if current:
            self.current = draft
        return draft

    def walk(self) -> list[_Draft]:
        i = 0
        while i < len(self.items):
            item = self.items[i]
            if item.role in (Role.HEADING, Role.TITLE):
                i = self.head(i)
                continue
            if item.role is Role.BYLINE:
                self.byline(item, self.items[i + 1] if i + 1 < len(self.items) else None)
            elif item.role is Role.CAPTION:
                self.caption(item)
            else:
                self.body(item)
            i += 1
        return self.drafts

    def head(self, start: int) -> int:
        end = _head_group(self.items, start, self.blocks_mode)
        column, group = _column_labels(self.items[start:end])
        if column:
            self.pending_column = column
        if not group:
            return end
        draft = self.current
        headings = next((i for i, g in enumerate(group) if g.role is Role.TITLE), len(group))
        if len(group) - headings > MAX_HEAD_LINES:
            if headings:
                self.start_articles(group[:headings])
            self.verse(group[headings:])
            return end
        if self.titles_after:
            if draft is not None and draft.closed and draft.title is None:
                draft.set_head(group, "after")
            elif draft is None or draft.closed:
                self.new().add_section([g.title_text for g in group])
            else:
                draft.add_section([g.title_text for g in group])
            return end
        if self.blocks_mode and draft is not None and not draft.closed and group[0].paragraph.block == draft.last_block:
            draft.add_section([g.title_text for g in group])
            return end
        if not _starts_article(draft, group, self.items, end, self.blocks_mode):
            if draft.title is not None and not draft.paragraphs and draft.subtitle is None and not draft.bylines:
                draft.subtitle = " ".join(g.title_text for g in group)
            else:
                draft.add_section([g.title_text for g in group])
            return end
        self.start_articles(group)
        return end

    def verse(self, group: list[Item]) -> None:
        """verse rule: more than MAX_HEAD_LINES short lines in a row are a poem or a list, not a head.

        They are body text of the open article (or of the one the markdown
        headings above them just started), or of a new one titled by the
        first line. Known wrong: a run of one-line briefs without body
        text is read as one article.
        """
        draft = self.current
        if draft is None or draft.closed:
            draft = self.new()
            draft.set_head(group[:1], "line")
            group = group[1:]
        for item in group:
            draft.add_body(item)
        draft.last_block = group[-1].paragraph.block

    def start_articles(self, group: list[Item]) -> None:
        """Head lines become title (+ subtitle); markdown heads beyond two start articles of their own."""
        head, rest = group[:2], group[2:]
        if head[0].role is Role.HEADING and len(head) == 2 and head[1].role is Role.HEADING and head[1].paragraph.level < head[0].paragraph.level:
            head, rest = group[:1], group[1:]
        if head[0].role is Role.TITLE:
            head, rest = group[:3], group[3:]
        names = [g for g in head[1:] if parse_name_line(g.paragraph.raw)]
        head = [g for g in head if g not in names]
        draft = self.new()
        draft.set_head(head, "heading" if head[0].role is Role.HEADING else "line")
        draft.bylines.extend(parse_name_line(g.paragraph.raw) for g in names)
        for item in rest:
            self.new().set_head([item], "heading" if item.role is Role.HEADING else "line")

    def byline(self, item: Item, following: Item | None) -> None:
        """A credit line: before the body it belongs to the article; after it, it closes the article.

        boxed-credit rule: a `□`-marked credit is printed under a title, so
        after a photo caption it still opens the body, and after a long body
        with more text following it opens the next article (whose title the
        OCR lost).
        """
        draft = self.current
        boxed = item.paragraph.raw.lstrip().startswith(("□", "■"))
        body_follows = following is not None and following.role is Role.BODY
        if draft is None or draft.closed or (boxed and body_follows and draft.has_long_body()):
            draft = self.new()
        draft.bylines.append(item.byline)
        draft.credit_line = draft.credit_line or (not draft.paragraphs and names_a_role(item.byline))
        if draft.has_long_body() if boxed else bool(draft.paragraphs):
            draft.closed = True  # closed_article_rule

    def caption(self, item: Item) -> None:
        """caption_rule: under a title with no body yet it is the article's photo; elsewhere an article of its own."""
        draft = self.current
        if draft is not None and not draft.closed and draft.title is not None and not draft.paragraphs:
            draft.add_body(item)
            return
        caption = self.new(kind="caption", current=draft is None or draft.closed)
        caption.add_body(item)
        caption.closed = True

    def body(self, item: Item) -> None:
        draft = self.current
        new_block = self.blocks_mode and draft is not None and draft.paragraphs and item.paragraph.block != draft.last_block
        dateline_opens = draft is not None and has_dateline(item.paragraph.raw) and draft.has_news_text()
        if draft is None or draft.closed or new_block or dateline_opens:
            waiting = [d for d in self.drafts if d.title is not None and not d.paragraphs and d.kind == "article" and d is not draft]
            if draft is not None and draft.closed and waiting and not self.blocks_mode:
                draft = waiting[0]  # continuation_rule
                self.current = draft
            else:
                draft = self.new()
        draft.add_body(item)
        draft.last_block = item.paragraph.block


class _ModelPage:
    """The walk over a page whose paragraphs archive.article_starts has marked as article starts or not.

    A start opens an article: titled by its line when the line reads as a
    title, untitled (the first sentence stands in) when it is body text.
    Everything else joins the open article by its role: a credit into the
    byline (a bare name before the body too), a photo caption into
    `captions` (with the short numbered line over it, `２、棉堆如山喜煞人`),
    a title-like line into the subtitle (before the body), the body (a line
    of a poem: a title-like line next to another) or the headings.
    """

    def __init__(self, items: list[Item], starts: list[bool]) -> None:
        self.items = items
        self.starts = starts
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.words_seen: dict[int, tuple[tuple, set[str]]] = {}

    def story_words(self, draft: _Draft) -> set[str]:
        """The word pairs of a draft's title and body, worked out again only when they changed.

        Every heading and caption compares its words with the stories so far;
        the earlier stories no longer change, so their pairs are kept.
        """
        key = (draft.title, len(draft.paragraphs), draft.paragraphs[-1] if draft.paragraphs else None)
        seen = self.words_seen.get(id(draft))
        if seen is None or seen[0] != key:
            seen = key, bigrams("".join([draft.title or "", *draft.paragraphs]))
            self.words_seen[id(draft)] = seen
        return seen[1]

    def resumed(self, index: int) -> _Draft:
        """resumed-story rule: a section heading whose words (with the paragraph under it) belong to an earlier story.

        On a page whose columns the OCR interleaved, a story's second half
        comes after another story has begun (seed 003: `多措并举夯实双基工作`
        goes on about 连云港, under the 连南 story). The heading goes back to
        the earlier story when its text shares at least twice as much with
        that story as with the open one, and a quarter of its word pairs or
        more; the paragraphs after it follow it there.
        """
        current = self.current
        following = self.items[index + 1].text if index + 1 < len(self.items) else ""
        words = bigrams(self.items[index].text + following)
        if not words or len(self.drafts) < 2:
            return current

        def share(draft: _Draft) -> float:
            return len(words & self.story_words(draft)) / len(words)

        shares = {id(d): share(d) for d in self.drafts if d is not current and d.kind == "article"}
        best = max((d for d in self.drafts if id(d) in shares), key=lambda d: shares[id(d)], default=None)
        if best is not None and shares[id(best)] >= RESUME_SHARE and shares[id(best)] >= 2 * share(current):
            self.current = best
        return self.current

    def illustrates(self, draft: _Draft, item: Item) -> bool:
        """caption rule: a photo caption belongs to the open story when it is printed under its headline or shares its words.

        One whose words the story does not share (under CAPTION_SHARE of its
        word pairs) is a photo of its own that the page set beside it.
        """
        words = bigrams(item.text)
        story = self.story_words(draft)
        return not words or len(words & story) >= CAPTION_SHARE * len(words)

    def walk(self) -> list[_Draft]:
        for index, item in enumerate(self.items):
            if self.starts[index] or not self.drafts:
                self.start(index, item)
            else:
                self.attach(index, item)
        return self.drafts

    def start(self, index: int, item: Item) -> None:
        draft = _Draft()
        self.drafts.append(draft)
        self.current = draft
        if item.role is Role.HEADING:
            draft.set_head([item], "heading")
        elif item.role is Role.TITLE or (item.role is Role.BODY and (_long_title(item.text) or credited_headline(self.items, index))):
            draft.set_head([item], "line")
        elif item.role is Role.BYLINE:
            draft.bylines.append(item.byline)
        elif item.role is Role.CAPTION:
            draft.add_caption(item)
        else:
            draft.add_body(item)

    def _neighbour_role(self, index: int, offset: int) -> Role | None:
        j = index + offset
        if not 0 <= j < len(self.items) or self.starts[j]:
            return None
        role = self.items[j].role
        return Role.TITLE if role is Role.HEADING else role

    def attach(self, index: int, item: Item) -> None:
        draft = self.current
        if item.role is Role.BYLINE:
            draft.bylines.append(item.byline)
            return
        if item.role is Role.BODY and _PICTURES.match(item.text):
            draft.pictures = True  # `图片：` announces the captions under it: not text of its own
            return
        if item.role is Role.CAPTION:
            if draft.paragraphs and not draft.pictures and not self.illustrates(draft, item):
                alone = _Draft(kind="caption")  # a photo of its own: searchable, not one of the issue's articles
                alone.add_caption(item)
                alone.bylines.append(item.byline)
                self.drafts.append(alone)
                return
            draft.add_caption(item, joins_previous=self._neighbour_role(index, -1) is Role.TITLE and NUMBERED.match(self.items[index - 1].text) is not None)
            return
        if item.role not in (Role.TITLE, Role.HEADING):
            draft.add_body(item)
            return
        name = parse_name_line(item.paragraph.raw) if not draft.paragraphs else None
        if name:
            draft.bylines.append(name)
        elif self._neighbour_role(index, 1) is Role.CAPTION and NUMBERED.match(item.text):
            draft.add_caption(item)
        elif draft.title is not None and not draft.paragraphs and draft.subtitle is None:
            draft.subtitle = item.title_text
        elif draft.headings and self.items[index - 1].text.endswith("——") and draft.headings[-1] == self.items[index - 1].title_text:
            draft.headings[-1] += item.title_text  # `全力侦查破案——` runs on into this line
            draft.paragraphs[-1] = draft.headings[-1]
        elif item.text.endswith("——") or (index + 1 < len(self.items) and self.items[index + 1].text.endswith("——")):
            self.resumed(index).add_section([item.title_text])
        elif Role.TITLE in (self._neighbour_role(index, -1), self._neighbour_role(index, 1)):
            draft.add_body(item)  # verse: a line of a poem or a list
        else:
            self.resumed(index).add_section([item.title_text])


def dateline_date(issue: Issue, parts: DatelineParts) -> str | None:
    """The day a dateline names, as YYYY-MM-DD, in the issue's year (or the year before, for a day after the issue's date)."""
    if parts.month is None or parts.day is None or issue.year is None:
        return None
    year = issue.year
    if issue.date is not None and f"{year}-{parts.month:02d}-{parts.day:02d}" > issue.date:
        year -= 1  # `１２月３１日电` in the paper of 1 January
    try:
        return dt.date(year, parts.month, parts.day).isoformat()
    except ValueError:
        return None


def dated_by_datelines(issue: Issue, articles: list[Article]) -> Issue:
    """An issue whose text gave only its year, dated by its articles' datelines: the latest day they name.

    A page's stories are filed on the day before it is printed or earlier,
    so the latest dateline is the closest the page itself says. Within one
    page, a December dateline beside January ones is of the year before.
    `date_source` becomes "dateline". Issues with a date keep it.
    """
    if issue.date is not None or issue.year is None:
        return issue
    days = sorted({(parts.month, parts.day) for a in articles if a.dateline
                   for parts in [parse_dateline(a.dateline)] if parts.month is not None and parts.day is not None})
    if not days:
        return issue
    year = issue.year
    if days[-1][0] == 12 and days[0][0] == 1:
        days = [d for d in days if d[0] == 1]  # the year turned between the stories: the January ones are this year's
    month, day = days[-1]
    try:
        date = dt.date(year, month, day).isoformat()
    except ValueError:
        return issue
    return replace(issue, date=date, date_source="dateline")


def _opens_inside(text: str) -> bool:
    """Whether the text begins inside a quote, a bracket or a book title (`三年行动计划》《…`): it was cut off its start."""
    for opening, closing in ("《》", "“”", "（）", "「」", "『』"):
        close = text.find(closing)
        if close != -1 and (close < text.find(opening) or opening not in text):
            return True
    return text[:1] in "，。、；：！？"


def _opening_paragraph(paragraphs: list[str]) -> str:
    """The paragraph whose first sentence stands in for a missing title.

    The first one, unless it is a fragment (shorter than LONG_PARAGRAPH, or
    opening on the tail of a cut word or inside a quote or book title): a
    stray line of a scrambled column (`该案件进行立案侦查。`) names nothing.
    """
    for paragraph in paragraphs:
        if len(paragraph) >= LONG_PARAGRAPH and not starts_with_cut_word(paragraph) and not _opens_inside(paragraph):
            return paragraph
    return paragraphs[0] if paragraphs else ""


def _to_article(issue: Issue, number: int, draft: _Draft) -> Article:
    byline = merge_bylines(draft.bylines)
    title, source = draft.title, draft.title_source
    kind = draft.kind
    if title is None and not draft.paragraphs and draft.captions:
        title, source, kind = first_sentence(draft.captions[0]), "first_sentence", "caption"  # a photo standing alone
    if title is None:
        title, source = first_sentence(_opening_paragraph(draft.paragraphs)), "first_sentence"
    parts = parse_dateline(draft.dateline) if draft.dateline else DatelineParts(None, None, None)
    return Article(
        id=f"{issue.id}/{number}",
        issue_id=issue.id,
        number=number,
        title=title,
        title_source=source,
        subtitle=draft.subtitle,
        byline=byline.text if byline else None,
        authors=byline.authors if byline else (),
        paragraphs=tuple(draft.paragraphs),
        headings=tuple(draft.headings),
        kind=kind,
        kicker=draft.kicker,
        column=draft.column,
        dateline=draft.dateline,
        captions=tuple(draft.captions),
        dateline_place=parts.place,
        dateline_date=dateline_date(issue, parts),
    )


@dataclass(frozen=True)
class PageItems:
    """A page's paragraphs with their roles, and what kind of page it is (the walk's input)."""

    items: list[Item]
    blocks_mode: bool
    titles_after: bool

    @property
    def learned(self) -> bool:
        """Whether archive.article_starts decides where articles start.

        It does on pages with titles above their articles, printed as plain
        lines or as markdown headings of one level (what it was trained on).
        Headings of several levels (titles, column labels, section headings)
        and plain titles printed after their articles are read by the rules.
        """
        levels = [i.paragraph.level for i in self.items if i.paragraph.level is not None]
        one_level = len(set(levels)) == 1 and len(levels) >= 2  # titles are the headings, wherever the page ends
        return one_level or (not levels and not self.titles_after)


def page_items(text: str) -> PageItems:
    """The page's repaired paragraphs, each with its role (archive.paragraph_roles)."""
    paragraphs = page_paragraphs(text)
    blocks_mode = _article_blocks(paragraphs)
    items = [classify(p) for p in paragraphs]
    items = rejoin_cut_paragraphs(_block_roles(items) if blocks_mode else items)
    return PageItems(items, blocks_mode, _titles_after(items))


def split_articles(issue: Issue) -> list[Article]:
    """The articles of one page, in page order."""
    page = page_items(issue.text)
    if page.learned:
        drafts = _ModelPage(page.items, decide_starts(page.items)).walk()
    else:
        drafts = _Page(page.items, page.titles_after, page.blocks_mode).walk()
    kept = [d for d in drafts if d.paragraphs or d.title or d.captions]
    return [_to_article(issue, number, draft) for number, draft in enumerate(kept, start=1)]
