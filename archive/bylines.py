"""Recognise bylines, datelines and photo credits, and pull the names out of them.

Forms seen on real pages: a line of roles and names before the body
(`□ 本报记者 尹彤 美国乐`), a dateline opening the body (`本报讯(通讯员 杨少军)`,
`本报济宁讯`, `新华社北京１２月３１日电`), a credit closing the body (`【胡正学】`,
`… 通讯员 蒋帅`) and a photo credit (`■通讯员 代瑜 摄`). Names are 2-4 Chinese
characters; `关 宁` (an OCR space inside a two-character name) is one name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ROLE = (
    r"(?:(?:本报|新华社)驻[\u4e00-\u9fff]{1,6}?记者|本报(?:特约|见习)?(?:记者|通讯员|评论员)|特约(?:记者|通讯员)|见习记者|实习生|"
    r"新华社(?:特约)?记者|(?<!新华社)记者|通讯员|评论员|撰稿|摄影|作者)"
)
_ROLE = re.compile(ROLE)
_MARKERS = "□■▲●◆★☆◇"
_SPACES_AND_MARKERS = " \t\u3000" + _MARKERS
_MARKER = re.compile(f"[{_MARKERS}]")
_MARKER_GAP = re.compile(rf"\s*[{_MARKERS}]\s*")
_PHOTO_CREDIT = re.compile(r"\s摄$")
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_SINGLE = re.compile(r"[\u4e00-\u9fff]")
# Words that close a credit but are not names: `报道`, `文/图`, `摄`.
_CREDIT_TAIL = re.compile(r"(?:\s*(?:报道|文\s*/\s*图|/\s*图|文图|摄影?|供图|整理))+$")
_PARENTHESIZED = re.compile(r"^[【\[（(]\s*(.+?)\s*[】\]）)]$")
_BRACKETED = re.compile(r"^[【\[（(]\s*([\u4e00-\u9fff·\s]{2,16}?)\s*[】\]）)]$")
# A day as datelines print it: `１月１６日`, `1月16日`, `十二月三十一日`.
DAY = r"[\d０-９一二三四五六七八九十]{1,3}月[\d０-９一二三四五六七八九十]{1,3}日"
_DATELINE = re.compile(
    rf"^(?:本报(?:[\u4e00-\u9fff]{{1,8}}?)?(?:{DAY})?[讯电]"
    rf"|据?(?:新华社|中新社)(?:[\u4e00-\u9fff]{{1,8}}?)?(?:{DAY})?电)"
)
_REPORTED = re.compile(rf"^\s*((?:{ROLE}\s*[\u4e00-\u9fff]{{2,3}}[、，,\s]*)+)报道[：:]?")
_PAREN_CREDIT = re.compile(r"^\s*[（(]([^（）()]{2,40})[）)]")
# Roles with names run together: a credit, names unknown.
_GLUED_CREDIT = re.compile(rf"(?:{ROLE}[\u4e00-\u9fff·]{{0,12}}\s*)+(?:摄影?)?")
# A dateline or agency credit closing an article, in brackets.
_CLOSING_DATELINE = re.compile(r"(?:本报|新华社|中新社|据)[^（）()]{0,24}(?:电|讯|照片|供稿|稿|专电)")
_GLUED_NAMES = re.compile(r"[\u4e00-\u9fff]{5,9}")
# Bracketed words that are notes, not names: `（图片）`, `（试行）`.
NOT_NAMES = frozenset({"图片", "试行", "草案", "摘要", "节选", "待续", "续完", "完", "上", "下", "续"})
# Longest text that can be a byline line; longer is body text.
MAX_BYLINE = 48


@dataclass(frozen=True)
class Byline:
    """A credit as printed (`text`) and the names in it, in order."""

    text: str
    authors: tuple[str, ...]


def _names(words: list[str]) -> list[str] | None:
    """Names from space-separated words, pairing single characters (`关 宁` -> 关宁); None if a word is not a name."""
    names: list[str] = []
    pending = ""
    for word in words:
        if _SINGLE.fullmatch(word):
            pending += word
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        elif _NAME.fullmatch(word) and not pending:
            names.append(word)
        else:
            return None
    return None if pending else names


def _credit_names(text: str) -> list[str] | None:
    """Names in `role names role names …`; None unless every part is a role or a name."""
    text = _CREDIT_TAIL.sub("", text.strip())
    names: list[str] = []
    for part in _ROLE.split(text):
        part = part.strip(" \t\u3000" + _MARKERS)
        if not part:
            continue
        part = _CREDIT_TAIL.sub("", re.sub(r"\s*文\s*/\s*图$|/图$", "", part))
        found = _names(part.split())
        if found is None:
            return None
        names.extend(found)
    return names


def _join_split_names(display: str) -> str:
    """`关 宁 柳 青` -> `关宁 柳青` in the shown credit, as the names are read."""
    return re.sub(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]) ([\u4e00-\u9fff])(?![\u4e00-\u9fff])", r"\1\2", display)


def parse_byline(text: str) -> Byline | None:
    """A whole paragraph that is a credit line, or None.

    Accepted: roles with names (`□ 本报记者 尹彤 美国乐`, `通讯员 侯宪锋 刘廷好 报道`),
    a bracketed name (`【胡正学】`, `（侯伟生）`), or names with a photo credit
    (`王子强 摄`). A bare name is not accepted here (see `parse_name_line`).
    """
    display = " ".join(text.strip(_SPACES_AND_MARKERS).split())  # whitespace runs -> one space
    if _MARKER.search(display):  # rare inside a line
        display = _MARKER_GAP.sub(" ", display).strip()
    if not display or len(display) > MAX_BYLINE:
        return None
    inner = _PARENTHESIZED.match(display)
    if inner and _CLOSING_DATELINE.fullmatch(inner.group(1)):
        return Byline(display, ())  # `（本报华盛顿１月５日电）`, `（新华社发美联社照片）`
    bracketed = _BRACKETED.match(display)
    if bracketed:
        names = _names(bracketed.group(1).split())
        if names and not set(names) & NOT_NAMES:
            return Byline(display, tuple(names))
    glued = inner is not None and _GLUED_NAMES.fullmatch(inner.group(1)) is not None
    if glued and not _ROLE.search(inner.group(1)) and not inner.group(1).endswith("摄"):
        return Byline(display, ())  # `（宋学春陈长法）`: names run together, where one ends is unknown
    credit = inner.group(1) if inner else display  # `（新华社记者李欣摄）`: a photo credit in brackets
    has_role = _ROLE.search(credit) is not None
    is_photo_credit = _PHOTO_CREDIT.search(credit) is not None or (inner is not None and credit.endswith("摄"))
    if not (has_role or is_photo_credit):
        return None
    names = _credit_names(credit)
    if names is None and has_role and _GLUED_CREDIT.fullmatch(credit):
        names = []  # `本报记者曹照琴谢国明王尧`: a credit, but where one name ends is unknown
    if names is None or (not names and not has_role):
        return None
    return Byline(_join_split_names(display), tuple(names))


def parse_name_line(text: str) -> Byline | None:
    """A line of one or two bare names (`廖志承`, `关 宁 柳 青`): an author line under a title."""
    display = text.strip(" \t\u3000" + _MARKERS)
    words = display.split()
    names = _names(words) if 0 < len(words) <= 4 else None
    if not names or len(names) > 2 or any(len(n) > 3 for n in names):
        return None
    return Byline(display, tuple(names))


_SIGNATURE = re.compile(r"^[—―－-]{2,}\s*([\u4e00-\u9fff·]{2,12})\s*(?:[（(][\u4e00-\u9fff·]{1,10}[）)])?$")
# Who signs a note without being a name.
_NOT_AUTHORS = frozenset({"编者", "编辑", "本报编辑部", "编辑部", "作者", "本刊"})


def parse_signature(text: str) -> Byline | None:
    """A note's signature on a line of its own: `——编者`, `———王文西（山东）` (a reader's name and province).

    The name is an author when it is one name (2-4 characters); `编者` signs
    an editor's note and names nobody.
    """
    display = text.strip()
    match = _SIGNATURE.match(display)
    if not match:
        return None
    who = match.group(1)
    return Byline(display, (who,) if 2 <= len(who) <= 4 and who not in _NOT_AUTHORS else ())


def names_a_role(byline: Byline) -> bool:
    """Whether a credit says who wrote (`本报记者 尹彤`), not only a name (`（关山月）`) or an agency."""
    return bool(byline.authors) and _ROLE.search(byline.text) is not None


def merge_bylines(bylines: list[Byline]) -> Byline | None:
    """Several credit lines of one article as one (`□ 本报记者 尹彤` + `本报通讯员 侯宪锋`)."""
    if not bylines:
        return None
    authors: list[str] = []
    for byline in bylines:
        authors.extend(name for name in byline.authors if name not in authors)
    return Byline(" ".join(b.text for b in bylines), tuple(authors))


@dataclass(frozen=True)
class Opening:
    """What opens a body paragraph: a dateline and the credit printed with it."""

    dateline: str | None
    byline: Byline | None
    rest: str


def _leading_credit(text: str) -> tuple[Byline | None, str]:
    """`记者莫小松 马艳 通讯员 周庆肇 一键报警…` -> credit + the body after the last name."""
    paren = _PAREN_CREDIT.match(text)
    if paren:
        names = _credit_names(paren.group(1))
        if names and _ROLE.search(paren.group(1)):
            return Byline(paren.group(1).strip(), tuple(names)), text[paren.end():]
    reported = _REPORTED.match(text)
    if reported:  # `记者白剑峰报道：…`: names run up to `报道`
        names = re.findall(rf"{ROLE}\s*([\u4e00-\u9fff]{{2,3}})", reported.group(1))
        return Byline(reported.group(1).strip(), tuple(names)), text[reported.end():]
    if not _ROLE.match(text.lstrip()):
        return None, text
    # Take words while they are roles or names followed by a space; the first other word starts the body.
    tokens = re.finditer(rf"\s*({ROLE}|[\u4e00-\u9fff·]{{1,4}}(?=[\s\u3000]))", text)
    end = 0
    credit = ""
    for token in tokens:
        if token.start() != end:
            break
        credit += token.group(0)
        end = token.end()
    names = _credit_names(credit) if credit else None
    while credit and not names:  # a trailing single character was the body's first word
        credit = credit.rstrip()[:-1]
        names = _credit_names(credit) if credit.strip() else None
        end = len(credit)
    if not names:
        return None, text
    rest = re.sub(r"^\s*报道[：:]?", "", text[end:])
    return Byline(re.sub(r"\s+", " ", credit.strip()), tuple(names)), rest


_DATELINE_PARTS = re.compile(
    rf"^据?(?:本报|新华社|中新社)(?P<place>[\u4e00-\u9fff]{{1,8}}?)??(?:(?:(?P<month>[\d０-９一二三四五六七八九十]{{1,3}})月)?"
    rf"(?P<day>[\d０-９一二三四五六七八九十]{{1,3}})日)?(?:专电|[讯电])$"
)
_CHINESE_NUMERALS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _number(text: str) -> int | None:
    """`１２`, `12`, `十二`, `三十一` -> the number; None if it is none of these."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _CHINESE_NUMERALS.get(text) if len(text) == 1 else None
    return (_CHINESE_NUMERALS.get(tens, 0) if tens else 1) * 10 + (_CHINESE_NUMERALS.get(ones, 0) if ones else 0)


@dataclass(frozen=True)
class DatelineParts:
    """Where and on which day a story was filed: `新华社北京１２月３１日电` -> 北京, 12, 31."""

    place: str | None
    month: int | None
    day: int | None


def parse_dateline(dateline: str) -> DatelineParts:
    """The place and the day a dateline names (`本报济宁讯` names a place only, `本报讯` neither)."""
    match = _DATELINE_PARTS.match(dateline.strip())
    if not match:
        return DatelineParts(None, None, None)
    month = _number(match.group("month")) if match.group("month") else None
    day = _number(match.group("day")) if match.group("day") else None
    if month is not None and not (1 <= month <= 12 and day is not None and 1 <= day <= 31):
        month = day = None
    return DatelineParts(match.group("place") or None, month, day)


def has_dateline(paragraph: str) -> bool:
    """Whether a body paragraph opens with a dateline: `split_opening(paragraph).dateline is not None`, cheaply."""
    return _DATELINE.match(paragraph.lstrip()) is not None


def split_opening(paragraph: str) -> Opening:
    """Take a dateline (`本报济宁讯`) and a credit printed after it off the start of a body paragraph."""
    dateline_match = _DATELINE.match(paragraph.lstrip())
    if not dateline_match:
        return Opening(None, None, paragraph)
    rest = paragraph.lstrip()[dateline_match.end():]
    byline, rest = _leading_credit(rest)
    return Opening(dateline_match.group(0), byline, rest.lstrip(" \t\u3000"))


_TRAILING_CREDIT = re.compile(
    rf"(?<=[。！？!?…”』」）)\s])[\s{_MARKERS}]*((?:{ROLE}[\s\u3000]*)?[\u4e00-\u9fff·][\u4e00-\u9fff·\s/]{{1,40}}?)\s*$"
)


_TRAILING_BRACKETS = re.compile(r"(?<=[。！？!?…”』」])\s*([（(][^（）()]{2,30}[）)])\s*$")
# The last character (before trailing whitespace) of anything _TRAILING_CREDIT or _TRAILING_BRACKETS matches.
_CREDIT_LAST = re.compile(r"[\u4e00-\u9fff·/]")
_BRACKETS_LAST = ("）", ")")


# A photo credit printed inside a caption's text, where the OCR read the photo's corner: `… 本报记者 梁平妮 摄 轮进行检查。`.
_INNER_PHOTO_CREDIT = re.compile(rf"\s((?:{ROLE}\s*(?:[\u4e00-\u9fff·]{{2,4}}\s+)+)+摄)(?:\s|$)")


def split_inner_photo_credit(paragraph: str) -> tuple[str, Byline] | None:
    """(caption text with the credit moved to its end, credit) for a photo credit printed inside a caption, or None.

    Only a paragraph that says it shows a picture (`图为…`) is taken: a
    reporter's name inside other text is not a credit.
    """
    if "图为" not in paragraph and "图片" not in paragraph:
        return None
    match = _INNER_PHOTO_CREDIT.search(paragraph)
    byline = parse_byline(match.group(1)) if match else None
    if byline is None:
        return None
    text = (paragraph[: match.start()] + paragraph[match.end() :]).strip()
    return f"{text} {byline.text}", byline


def split_trailing_credit(paragraph: str) -> tuple[str, Byline | None, bool]:
    """(body, credit, is_photo) when a paragraph ends with a credit after its last sentence.

    `…减少近一半。 通讯员 万艾东 李亚` -> credit; `…好评。 王子强 摄` -> photo credit;
    `…交接仪式。（本报专电）`, `…质量。（新华社记者陈飞摄）` -> a bracketed credit.
    The credit must follow a sentence end and contain a role, end in `摄`, or
    be a bracketed credit, so a sentence that happens to end in a name is not cut.
    Each search is made only when the paragraph's last character is one its
    match can end on (most paragraphs end on `。`): a search tries every
    sentence end of the paragraph.
    """
    last = paragraph.rstrip()[-1:]
    bracketed = _TRAILING_BRACKETS.search(paragraph) if last in _BRACKETS_LAST else None
    byline = parse_byline(bracketed.group(1)) if bracketed else None
    if byline is not None:
        match = bracketed
    else:
        match = _TRAILING_CREDIT.search(paragraph) if _CREDIT_LAST.fullmatch(last) else None
        byline = parse_byline(match.group(1)) if match else None
        if byline is None or not (_ROLE.search(match.group(1)) or byline.text.endswith("摄")):
            return paragraph, None, False
    body = paragraph[: match.start()].rstrip()
    return body, byline, bool(re.search(r"摄）?$", byline.text))
