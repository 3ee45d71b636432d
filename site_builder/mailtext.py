"""E-mail HTML helpers: links as site paths, numbered link placeholders, and HTML -> readable plain text.

The plain-text part of a newsletter is written from the same HTML as the HTML part, so both say
the same thing. The converter is small on purpose (no third-party GPL converters): headings,
paragraphs, lists, tables as aligned columns, quotes and admonitions as `| ` blocks, code as is,
links as `text ({{club:link:N}})`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .contract import CLUB_BASE

WIDTH = 72  # plain-text lines: short enough to read in any client, long enough for Russian words
TABLE_WIDTH = 78  # a wider table is written row by row, "Header: value"
BREAK = "\x01"  # a <br> inside inline text, kept through whitespace collapsing

_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_HREF = re.compile(r"""(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--(?!\[if).*?-->", re.DOTALL)  # keeps Outlook's <!--[if mso]> blocks
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)  # mail clients drop inline SVG (emoji icons)
_SPACE = re.compile(r"[ \t\r\n\f]+")  # ASCII whitespace only: no-break spaces stay where the editor put them
PLACEHOLDER_PREFIX = "{{club:"


class Links:
    """The links of one e-mail: each URL (or site path) gets one number, shared by HTML, text and variants."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._index: dict[str, int] = {}

    def placeholder(self, url: str) -> str:
        number = self._index.get(url)
        if number is None:
            number = self._index[url] = len(self.urls)
            self.urls.append(url)
        return f"{{{{club:link:{number}}}}}"


def trackable(url: str) -> bool:
    """Web links (other sites' and the club's own site paths) become placeholders; mailto:, tel: and
    placeholders stay as they are."""
    return url.startswith(("http://", "https://")) or is_site_path(url)


def is_site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _attribute_value(match: re.Match) -> str:
    return html.unescape(match.group(2) if match.group(2) is not None else match.group(3))


def clean_content(page_html: str, page_url: str) -> str:
    """A page's rendered article as e-mail content: no comments, permalinks or SVG icons. `page_url` is
    the page's site path: links become site paths (numbered later), and image sources on the club start
    with CLUB_BASE, which the portal replaces with its address (a mail client needs an absolute one)."""
    text = _SVG.sub("", _HEADERLINK.sub("", _COMMENT.sub("", page_html)))
    # Placeholders belong to the template: one typed into a page ({{club:link:7}}) would point at
    # someone else's link. A zero-width space keeps it readable and out of PLACEHOLDER's reach.
    text = text.replace("{{club:", "{&#8203;{club:")

    def absolute(match: re.Match) -> str:
        value = _attribute_value(match)
        if value.startswith(PLACEHOLDER_PREFIX) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            return match.group(0)
        url = "https:" + value if value.startswith("//") else urljoin(page_url, value)  # "//host/x": another site
        if is_site_path(url) and match.group(1).lstrip().lower().startswith("src"):
            url = CLUB_BASE + url
        return f'{match.group(1)}"{html.escape(url, quote=True)}"'

    return _ATTR.sub(absolute, text).strip()


def number_links(document: str, links: Links) -> str:
    """Replace every web link target (href) with its {{club:link:N}} placeholder."""
    def placeholder(match: re.Match) -> str:
        url = _attribute_value(match)
        if not trackable(url):
            return match.group(0)
        return f'{match.group(1)}"{links.placeholder(url)}"'

    return _HREF.sub(placeholder, document)


# --- HTML -> text -----------------------------------------------------------------------------

VOID = {"br", "img", "hr", "input", "meta", "link", "col", "source", "wbr", "area", "base", "embed", "track"}
SKIP = {"script", "style", "svg", "head", "title", "template", "button", "select", "textarea"}
BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "figure", "figcaption",
         "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "blockquote", "pre", "hr", "details",
         "summary", "dl", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "form", "fieldset", "center"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def elements(self, *tags: str) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and (not tags or c.tag in tags)]


_TOKEN = re.compile(r"""<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)|<""", re.DOTALL)
_TAG_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(next((g for g in m.groups()[1:] if g is not None), ""))
            for m in _TAG_ATTR.finditer(raw)}


def parse_html(text: str) -> Node:
    """A forgiving tree of the HTML (a regular-expression tokenizer, several times faster than
    html.parser on the build's own output): an end tag closes up to its open element, stray ones
    are ignored."""
    root = Node("root", {})
    stack = [root]
    for match in _TOKEN.finditer(text):
        closing, name, raw, data = match.groups()
        if data is not None:
            stack[-1].children.append(html.unescape(data))
        elif name is None:
            if not match.group(0).startswith("<!--"):
                stack[-1].children.append("<")
        elif closing:
            tag = name.lower()
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == tag:
                    del stack[index:]
                    break
        else:
            node = Node(name.lower(), _attributes(raw) if raw.strip(" /") else {})
            stack[-1].children.append(node)
            if node.tag not in VOID and not raw.endswith("/"):
                stack.append(node)
    return root


def fill(text: str, width: int) -> str:
    """Collapse spaces and wrap at `width` (a word longer than that, e.g. a placeholder, stays whole;
    greedy like textwrap, without its cost: this runs for every paragraph of every newsletter)."""
    out = []
    for part in text.split(BREAK):
        line: list[str] = []
        size = -1
        for word in _SPACE.split(part):
            if not word:
                continue
            if line and size + 1 + len(word) > width:
                out.append(" ".join(line))
                line, size = [], -1
            line.append(word)
            size += 1 + len(word)
        if line:
            out.append(" ".join(line))
    return "\n".join(out)


def indent(block: str, first: str, rest: str) -> str:
    lines = block.split("\n")
    return "\n".join([first + lines[0], *[(rest + line).rstrip() for line in lines[1:]]])


class TextWriter:
    """Plain text of e-mail HTML. `link(url)` gives the placeholder written after a link's text."""

    def __init__(self, link: Callable[[str], str], page_url: str = "", width: int = WIDTH):
        self.link = link
        self.page_url = page_url
        self.width = width

    def convert(self, text: str) -> str:
        return "\n\n".join(self.blocks(parse_html(text), self.width)).strip()

    # --- blocks ---------------------------------------------------------------------------------
    def blocks(self, node: Node, width: int) -> list[str]:
        out: list[str] = []
        inline: list[str] = []

        def flush() -> None:
            text = fill("".join(inline), width)
            if text:
                out.append(text)
            inline.clear()

        for child in node.children:
            if isinstance(child, str):
                inline.append(child)
            elif child.tag in SKIP:
                continue
            elif child.tag in BLOCK:
                flush()
                out.extend(b for b in self.block(child, width) if b.strip())
            else:
                inline.append(self.inline(child))
        flush()
        return out

    def block(self, node: Node, width: int) -> list[str]:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return [self.heading(node, width)]
        if tag in ("ul", "ol"):
            return [self.listing(node, width)]
        if tag == "table":
            return [self.table(node)]
        if tag == "pre":
            return [indent(self.raw(node).strip("\n"), "    ", "    ")]
        if tag == "hr":
            return ["* * *"]
        if tag == "blockquote" or node.has_class("admonition") or tag == "details":
            inner = self.blocks(node, width - 2)
            return [indent("\n\n".join(inner), "| ", "| ").replace("\n\n", "\n|\n")] if inner else []
        if tag == "dd":
            return [indent("\n\n".join(self.blocks(node, width - 4)), "    ", "    ")]
        return self.blocks(node, width)

    def heading(self, node: Node, width: int) -> str:
        text = fill(self.inline(node), width)
        if node.tag in ("h1", "h2"):
            rule = "=" if node.tag == "h1" else "-"
            return f"{text}\n{rule * max(len(line) for line in text.split(chr(10)))}"
        return text

    def listing(self, node: Node, width: int) -> str:
        start = node.attrs.get("start", "1")
        number = int(start) if start.isdigit() else 1
        items = []
        for item in node.elements("li"):
            marker = f"{number}. " if node.tag == "ol" else "- "
            number += 1
            inner = self.blocks(item, width - len(marker)) or [""]
            items.append(indent("\n\n".join(inner), marker, " " * len(marker)))
        loose = any("\n\n" in item for item in items)
        return ("\n\n" if loose else "\n").join(items)

    def table(self, node: Node) -> str:
        rows: list[list[tuple[str, bool]]] = []
        header = False
        for row in self._rows(node):
            cells = row.elements("th", "td")
            if not rows and cells and all(c.tag == "th" for c in cells):
                header = True
            rows.append([(fill(self.inline(c), 10_000).replace("\n", " "), "right" in c.attrs.get("style", ""))
                         for c in cells])
        if not rows:
            return ""
        columns = max(len(r) for r in rows)
        rows = [r + [("", False)] * (columns - len(r)) for r in rows]
        widths = [max(len(r[i][0]) for r in rows) for i in range(columns)]
        if sum(widths) + 2 * (columns - 1) > TABLE_WIDTH and header and len(rows) > 1:
            return self._records(rows)
        lines = ["  ".join(text.rjust(w) if right else text.ljust(w)
                           for (text, right), w in zip(r, widths, strict=True)).rstrip() for r in rows]
        if header:
            lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    @staticmethod
    def _records(rows: list[list[tuple[str, bool]]]) -> str:
        """A table too wide for a text line: one paragraph per row, each cell as "Header: value"."""
        names = [text for text, _ in rows[0]]
        return "\n\n".join("\n".join(f"{name}: {text}" if name else text for name, (text, _) in zip(names, row,
                                                                                                    strict=True)
                                     if text) for row in rows[1:])

    def _rows(self, node: Node) -> list[Node]:
        found = []
        for child in node.elements():
            if child.tag == "tr":
                found.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                found.extend(self._rows(child))
        return found

    # --- inline ---------------------------------------------------------------------------------
    def inline(self, node: Node) -> str:
        tag = node.tag
        if tag in SKIP:
            return ""
        if tag == "br":
            return BREAK
        if tag == "img":
            alt = node.attrs.get("alt", "").strip()
            return f"[{alt}]" if alt else ""
        if tag == "input" and node.attrs.get("type") == "checkbox":
            return "[x] " if "checked" in node.attrs else "[ ] "
        text = "".join(c if isinstance(c, str) else self.inline(c) for c in node.children)
        if tag == "a":
            return self.anchor(node, text)
        if tag == "sup" and any(isinstance(c, Node) and c.has_class("footnote-ref") for c in node.children):
            return f"[{text.strip()}]"
        return text

    def anchor(self, node: Node, text: str) -> str:
        url = node.attrs.get("href", "")
        label = _SPACE.sub(" ", text.replace(BREAK, " ")).strip()
        if url.startswith("mailto:"):
            address = url[7:].split("?", 1)[0]
            return text if address in label else f"{text} ({address})"
        if url.startswith(PLACEHOLDER_PREFIX):
            return f"{text} ({url})" if label else url
        if not trackable(url) or (self.page_url and url.startswith(self.page_url + "#")):
            return text  # an anchor inside the page (a footnote) means nothing in plain text
        target = self.link(url)
        return target if not label or label == url else f"{text} ({target})"

    def raw(self, node: Node) -> str:
        return "".join(c if isinstance(c, str) else ("\n" if c.tag == "br" else self.raw(c)) for c in node.children)


def html_to_text(text: str, link: Callable[[str], str], page_url: str = "", width: int = WIDTH) -> str:
    return TextWriter(link, page_url, width).convert(text)
