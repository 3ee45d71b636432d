"""The one place where member-written Markdown becomes HTML: python-markdown, then nh3 with an allow-list.

Nothing a member types is trusted. Raw HTML is never parsed (the processors that pass it through are
removed, so `<b>` shows as text), images become links (except a post's own uploaded pictures, `upload:N`,
which the caller resolves to same-origin URLs), headings are demoted below the page's own, and
nh3 has the last word: only the tags and attributes below, links only http, https, mailto or relative
(club pages), every link rel="nofollow noopener ugc". Hostile input must also stay cheap to render:
python-markdown has a few quadratic corners, bounded or made linear here, so the time to render grows
in step with the text (tests/core/test_usertext.py feeds them, tests/core/test_usertext_growth.py measures it).
"""

from __future__ import annotations

import bisect
import collections
import functools
import html
import logging
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as etree

import markdown
import nh3
from markdown import inlinepatterns as inline
from markdown import util
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import nearing_recursion_limit

log = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset({"p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
                          "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "img": {"src", "alt", "width", "height", "loading"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"
HANDLE = r"[a-z0-9][a-z0-9-]{1,39}"
# Not after a word character, dot or slash (e-mail addresses, paths); not followed by more name or a domain.
_MENTION = re.compile(rf"(?<![\w@./+-])@({HANDLE})(?![\w@-]|\.\w)")
# `#` becomes h3 so a post never outranks the page (h1) or its sections (h2); deeper levels keep their order.
_DEMOTE = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6"}
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # STX/ETX are python-markdown's own placeholders
_SURROGATES = re.compile("[\ud800-\udfff]")  # cannot be encoded as UTF-8, so nh3 would refuse the string
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[ ]*\.?[\w#.+-]*[ ]*$")  # as fenced_code, without {attrs} and hl_lines
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ ]*$")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!~|])")
BLOCK_LINES = 100  # lines per Markdown block, see _ShortBlocks
BLOCK_CHARS = 20_000  # characters per Markdown block: the longest forum post (forum.BODY_LIMITS), see _ShortBlocks
LINK_SCAN = 1000  # longest link text or target python-markdown may look for, in characters
_UPLOAD = re.compile(r"upload:([1-9][0-9]{0,2})")  # `![caption](upload:2)`: the post's second file
_IMAGE_MARK = "data-club-image"  # set on links made from image syntax, removed before nh3 sees the tree


@dataclass(frozen=True)
class Embed:
    """One of a post's own files, for `upload:N` in its text: the file's URL and name, and for a picture its
    thumbnail (`src`, a same-origin path) and size, so the page does not jump as it loads."""

    href: str
    name: str
    src: str | None = None
    width: int | None = None
    height: int | None = None

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, allowed_classes={"a": {"mention"}},
    tag_attribute_values={cell: {"align": {"left", "center", "right"}} for cell in ("th", "td")},
    url_schemes=set(URL_SCHEMES), url_relative="pass_through", link_rel=LINK_REL, strip_comments=True,
    attribute_filter=lambda tag, name, value: _strict_href(value) if name == "href" else
    _own_src(value) if name == "src" else value)


def render_user_markdown(text: str, *, resolve_mention: Callable[[str], str | None] | None = None,
                         uploads: dict[int, Embed] | None = None) -> str:
    """Trusted HTML for a member's post; never raises for any string.

    `resolve_mention(handle)` returns the member's page for an `@handle`, or None to leave it as text.
    `uploads`: the post's own files by number, for `upload:N` links and pictures; any other N stays text.
    """
    return sanitize_html(_markdown_to_html(text, resolve_mention, uploads))


def sanitize_html(fragment: str) -> str:
    """nh3 with the club's allow-list: the last word on what reaches a reader's browser (idempotent)."""
    return _CLEANER.clean(fragment)


def mentioned_handles(text: str) -> list[str]:
    """Handles mentioned in a post, each once, in order: the rendering's own rules, so a handle in code,
    in a link or in an e-mail address never counts (and so never notifies anyone)."""
    rendered = _markdown_to_html(text, lambda handle: "#")
    return list(dict.fromkeys(re.findall(r'<a class="mention" href="#">@([a-z0-9-]+)</a>', rendered)))


def quote_markdown(author: str, post_url: str, text: str) -> str:
    """A Markdown quote of `text` under a link to its source. The name is escaped so that a member
    called `[x](javascript:...)` or `**boss**` is shown as typed; the URL is percent-encoded so it
    cannot end the link early."""
    name = _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(" ".join(author.split()) or "—", quote=False))
    url = urllib.parse.quote(post_url, safe="/?#&=:;%@!$*+,~-._")
    lines = text.strip("\r\n").rstrip().splitlines() or [""]
    body = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return f"[{name}]({url}) пишет:\n\n{body}"


def plain_text(markdown_text: str, limit: int | None = None) -> str:
    """The post as one line of readable text (excerpts, search snippets, mail): what a reader sees,
    without markup; cut on a word boundary with "…" so that the result is at most `limit` long."""
    text = " ".join(html.unescape(nh3.clean(render_user_markdown(markdown_text), tags=set())).split())
    if limit is None or len(text) <= limit:
        return text
    cut = text[:max(limit - 1, 0)]
    if not text[len(cut)].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return (cut.rstrip(" ,;:-—") + "…")[:max(limit, 0)]


def _own_src(url: str) -> str | None:
    """A picture only from this site: a path (`/forum/files/...`), never another host, which would learn
    every reader's address; only the renderer's own <img> for a resolved upload ever has one."""
    return url if url.startswith("/") and not url.startswith(("//", "/\\")) else None


def _strict_href(url: str) -> str | None:
    """A second scheme check, stricter than browsers: with spaces and invisible characters removed
    ("java script:", a zero-width space first), the scheme must still be allowed, or the href goes."""
    compact = "".join(ch for ch in url if ch.isprintable() and not ch.isspace()).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", compact)
    return url if scheme is None or scheme.group(1) in URL_SCHEMES else None


def _markdown_to_html(text: str, resolve: Callable[[str], str | None] | None,
                      uploads: dict[int, Embed] | None = None) -> str:
    """python-markdown's HTML, not yet sanitised. A converter bug must not take a topic page down, so
    any exception falls back to the text itself, escaped."""
    source = _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))
    try:
        return _converter(resolve, budget=50_000 + 10 * len(source), uploads=uploads).convert(source)
    except Exception:
        log.exception("Markdown conversion failed; showing the post as plain text")
        return "<p>" + html.escape(source).replace("\n", "<br>\n") + "</p>"


def _converter(resolve: Callable[[str], str | None] | None, budget: int,
               uploads: dict[int, Embed] | None = None) -> markdown.Markdown:
    """A fresh converter per post (they keep state; requests run in threads)."""
    md = markdown.Markdown(extensions=["tables", "nl2br", "sane_lists", "pymdownx.tilde", "pymdownx.magiclink"],
                           extension_configs={"tables": {"use_align_attribute": True},  # no style=
                                              "pymdownx.tilde": {"subscript": False}},
                           output_format="html")
    md.preprocessors.deregister("html_block")  # without these two, typed HTML is text the serializer escapes
    md.inlinePatterns.deregister("html")
    md.ESCAPED_CHARS.append("@")  # `\@name` writes a handle without mentioning anyone
    md.preprocessors.register(_Fences(md), "club_fences", 25)
    md.preprocessors.register(_ShortBlocks(md), "club_short_blocks", 24)
    md.treeprocessors.register(_LinearInline(md), "inline", 20)  # replaces python-markdown's, same priority
    parse_blocks = md.parser.parseBlocks  # every block processor takes its block with blocks.pop(0): see _Blocks
    md.parser.parseBlocks = lambda parent, blocks: parse_blocks(parent, _Blocks(blocks))  # type: ignore[method-assign]
    for name in ("olist", "ulist"):  # "1. 1. 1. …" nests lists by recursion; stop before Python's limit, as quotes do
        processor = md.parser.blockprocessors[name]
        processor.test = functools.partial(_shallow, processor.test)  # type: ignore[method-assign]
    allowance = [budget]
    # Images become links to the picture: an <img> from any host would tell that host the IP address
    # (and reading time) of every member who opens the topic.
    link, image = inline.LINK_RE, inline.IMAGE_LINK_RE
    for name, kind, pattern, priority in [("reference", _Reference, link, 170), ("link", _Link, link, 160),
                                          ("image_link", _ImageLink, image, 150),
                                          ("image_reference", _ImageReference, image, 140),
                                          ("short_reference", _ShortReference, link, 130),
                                          ("short_image_ref", _ImageShortReference, image, 125)]:
        md.inlinePatterns.register(kind(pattern, md, allowance), name, priority)
    md.treeprocessors.register(_Post(md, functools.cache(resolve) if resolve else None, uploads or {}),
                               "club_post", 15)
    return md


def _shallow(test: Callable[[etree.Element, str], bool], parent: etree.Element, block: str) -> bool:
    return test(parent, block) and not nearing_recursion_limit()


class _Bounded:
    """Link parsing with a scanning allowance. python-markdown looks for the closing `]` and `)` from
    every `[`, to the end of the paragraph: 20,000 `[` cost 46 s of CPU (measured). Here a link's text
    or target is at most LINK_SCAN characters and one post scans at most its budget; then `[` is text."""

    def __init__(self, pattern: str, md: markdown.Markdown, allowance: list[int]) -> None:
        super().__init__(pattern, md)  # type: ignore[call-arg]
        self.allowance = allowance

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 - python-markdown's name
        window = self._window(data, index)
        text, end, handled = super().getText(window, 0)  # type: ignore[misc]
        self.allowance[0] -= end
        return text, index + end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        window = self._window(data, index)
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        self.allowance[0] -= len(window) if window.startswith("(") else 1  # titles may scan it all
        return href, title, index + end, handled

    def _window(self, data: str, index: int) -> str:
        return data[index:index + LINK_SCAN] if self.allowance[0] > 0 else ""

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 - python-markdown's name
        element, start, end = super().handleMatch(m, data)  # type: ignore[misc]
        if element is not None and self.image:
            element.set(_IMAGE_MARK, "")  # an image link: `upload:N` may show the picture itself
        return element, start, end


_KINDS = (inline.LinkInlineProcessor, inline.ReferenceInlineProcessor, inline.ShortReferenceInlineProcessor)
_Link, _Reference, _ShortReference = (type(f"_Bounded{kind.__name__}", (_Bounded, kind), {"image": False})
                                      for kind in _KINDS)
_ImageLink, _ImageReference, _ImageShortReference = (
    type(f"_BoundedImage{kind.__name__}", (_Bounded, kind), {"image": True}) for kind in _KINDS)


class _Fences(Preprocessor):
    """Fenced code (``` or ~~~, optionally a language name, up to the same fence) found in one pass.
    It replaces python-markdown's fenced_code, which scans to the end of the post for every fence
    that is never closed (10,000 of them: 6 s of CPU, measured). Unclosed fences stay text."""

    def run(self, lines: list[str]) -> list[str]:
        closes: dict[str, list[int]] = {}
        for i, line in enumerate(lines):
            if match := _FENCE_CLOSE.match(line):
                closes.setdefault(match.group(1), []).append(i)
        out, i = [], 0
        while i < len(lines):
            opening = _FENCE_OPEN.match(lines[i])
            later = closes.get(opening.group(1), []) if opening else []
            k = bisect.bisect_right(later, i)
            if k < len(later):
                code = html.escape("".join(line + "\n" for line in lines[i + 1:later[k]]))
                out += ["", self.md.htmlStash.store(f"<pre><code>{code}</code></pre>"), ""]
                i = later[k]
            else:
                out.append(lines[i])
            i += 1
        return out


class _ShortBlocks(Preprocessor):
    """python-markdown re-tests the rest of a block (lines without a blank one between them) after every
    line it takes off, with regexes that scan the whole rest: quadratic (100 KB of `---` lines: 7 s,
    measured). A blank line after every BLOCK_LINES lines bounds that; only a paragraph or list that
    long notices. Table rows are never split by that count.

    Its inline patterns rebuild a block's whole text for every match they replace: quadratic in the
    block's length (100 KB of `\\* ` on one line: 1.45 s of CPU, 0.5 s cut). So a block also ends
    before BLOCK_CHARS characters, and a longer line is cut at a space; no forum post is that long,
    so none notices."""

    def run(self, lines: list[str]) -> list[str]:
        out, count, size = [], 0, 0
        for line in lines:
            for piece in _pieces(line, BLOCK_CHARS):
                count, size = (count + 1, size + len(piece)) if piece.strip() else (0, 0)
                if count > 1 and (size > BLOCK_CHARS or count > BLOCK_LINES and not piece.startswith("|")):
                    out.append("")
                    count, size = 1, len(piece)
                out.append(piece)
        return out


def _pieces(line: str, limit: int) -> list[str]:
    """`line` cut into parts of at most `limit` characters, each ending at a space where there is one."""
    pieces = []
    while len(line) > limit:
        cut = line.rfind(" ", 1, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    return [*pieces, line]


class _Blocks(collections.deque):
    """The blocks python-markdown's block processors take one by one with pop(0) and put back with
    insert(0, …): on a list each moves every block after it, quadratic in their number (200 KB of
    one-word paragraphs: 4.6 s of CPU, 2.4 s on a deque); on a deque both are O(1)."""

    def pop(self, index: int = -1) -> str:  # type: ignore[override]
        if index == 0:
            return self.popleft()
        value = self[index]
        del self[index]
        return value


class _LinearInline(InlineProcessor):
    """python-markdown's InlineProcessor.run (3.11) with its two quadratic steps made linear; the tree
    it builds is the same. It visits the inline elements breadth first from a list it takes from the
    front with pop(0), which moves every element still waiting: quadratic in their number (every line
    break is a <br>: 100 KB of `x\\n` took 1.15 s of CPU, 0.7 s with a deque; 400 KB 7.4 s, 4.0 s).
    A deque takes from the front in constant time. And it found where a child's tail goes by
    searching the parent's children for the child; the loop's own index says where it is."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        handle, place = self._InlineProcessor__handleInline, self._InlineProcessor__processPlaceholders
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        waiting = collections.deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        while waiting:
            element, parents = waiting.popleft()
            self.ancestors = parents
            if element is not tree:
                self.ancestors.append(element.tag.lower())
            queued = []
            index = 0
            while index < len(element):  # as `for child in element`: children inserted after it are visited too
                child = element[index]
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text, child.text = child.text, None
                    found = place(handle(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    waiting += found
                    queued.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    self._insert_tail(element, child, index, handle(child.tail))
                if len(child):
                    self.parent_map[child] = element
                    waiting.append((child, self.ancestors[:]))
                index += 1
            for child, found in queued:
                for position, item in enumerate(found):
                    child.insert(position, item[0])
        return tree

    def _insert_tail(self, parent: etree.Element, child: etree.Element, index: int, tail: str) -> None:
        """The elements of `child`'s processed tail go right after it (it is parent[index])."""
        holder = etree.Element("d")
        child.tail = None
        found = self._InlineProcessor__processPlaceholders(tail, holder, False)
        if holder.tail:
            child.tail = holder.tail
        for item in reversed(found):
            self.parent_map[item[0]] = parent
            parent.insert(index + 1, item[0])


class _Post(Treeprocessor):
    """After inline Markdown: demote headings, give empty links their URL as text, link @mentions."""

    def __init__(self, md: markdown.Markdown, resolve: Callable[[str], str | None] | None,
                 uploads: dict[int, Embed]) -> None:
        super().__init__(md)
        self.resolve, self.uploads = resolve, uploads

    def run(self, root: etree.Element) -> None:
        stack = [root]
        while stack:  # not recursive: a post may nest quotes deeper than Python's recursion limit
            element = stack.pop()
            element.tag = _DEMOTE.get(element.tag, element.tag)
            if element.tag == "a":
                self._upload(element)
            if element.tag == "a" and not element.text and not len(element):
                element.text = element.get("href", "")
            if element.tag not in ("a", "code", "pre"):  # no mentions inside links and code
                stack.extend(element)
                if self.resolve is not None:
                    self._link_mentions(element)

    def _upload(self, element: etree.Element) -> None:
        """`upload:N`: a link to the post's N-th file, or for image syntax its thumbnail linking to the full
        picture (lazy, with its size); an N the post does not have is plain text."""
        image = element.attrib.pop(_IMAGE_MARK, None) is not None
        found = _UPLOAD.fullmatch(element.get("href", ""))
        if found is None:
            return
        embed = self.uploads.get(int(found.group(1)))
        if embed is None:
            element.tag = "span"  # not allowed: nh3 keeps only the text
            return
        element.set("href", embed.href)
        caption = "".join(element.itertext()).strip()
        if image and embed.src:
            element.text = None
            element[:] = [etree.Element("img", {"src": embed.src, "alt": caption or embed.name, "loading": "lazy",
                                               **({"width": str(embed.width), "height": str(embed.height)}
                                                  if embed.width and embed.height else {})})]
        elif not caption:
            element.text = embed.name

    def _link_mentions(self, element: etree.Element) -> None:
        """Split `element`'s own text and its children's tails around resolvable @handles."""
        element.text, children = self._split(element.text)
        for child in list(element):
            child.tail, anchors = self._split(child.tail)
            children += [child, *anchors]
        if len(children) > len(element):
            element[:] = children

    def _split(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """`text` up to the first resolvable @handle, and a link per such handle, the text after it as tail."""
        parts = _MENTION.split(text) if text and "@" in text else [text]
        head, anchors = parts[0], []
        for handle, after in zip(parts[1::2], parts[2::2], strict=True):
            url = self.resolve(handle) if self.resolve else None
            if url:
                anchors.append(etree.Element("a", {"class": "mention", "href": url}))
                anchors[-1].text, anchors[-1].tail = "@" + handle, after
            elif anchors:
                anchors[-1].tail += "@" + handle + after
            else:
                head += "@" + handle + after
        return head, anchors
