"""The one place where member-written Markdown becomes HTML: Markdown, then nh3 with an allow-list.

Nothing the member types is trusted: raw HTML is escaped before Markdown sees it, links may only
use http, https, mailto or be relative (club pages), every link gets rel="nofollow noopener ugc",
and images are shown as links (an image from any host would tell that host who reads the forum).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4",
                "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LINKS = 200  # Markdown links per post; more are shown as text (each costs a scan to the end)
HANDLE = r"[a-z0-9][a-z0-9-]{1,39}"
_MENTION = re.compile(r"(?<![\w@/.+-])@(" + HANDLE + r")\b")
_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(")
_HEADING = re.compile(r"^(#{1,2})(?=\s)", re.M)
_TAGS = re.compile(r"<[^>]*>")
_BRACKET = re.compile(r"\[")
_LINK_START = re.compile(r"\[(?=[^\[\]\n]{0,300}\](?:\(|\[|:))")
_BLOCK_END = re.compile(r"</(p|li|h\d|blockquote|pre|tr|td|th)>|<br ?/?>")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def render_user_markdown(text: str, *, resolve_mention: Callable[[str], str | None] | None = None) -> str:
    """Trusted HTML for a member's post. Never raises for any string."""
    source = _HEADING.sub("###", _IMAGE.sub(r"[\1](", text.replace("\r\n", "\n")))
    source = _escape_tags(source)  # typed HTML shows as text; Markdown's own syntax (>, &) survives
    converter = markdown.Markdown(extensions=["fenced_code", "tables", "nl2br", "sane_lists"],
                                  output_format="html")
    rendered = converter.convert(source)
    rendered = _in_text(rendered, _URL, lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>')
    if resolve_mention is not None:
        rendered = _in_text(rendered, _MENTION, _mention_linker(resolve_mention))
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="nofollow noopener ugc", strip_comments=True)


def _escape_tags(source: str) -> str:
    """`<` outside code becomes `&lt;`, so no tag the member types reaches the converter as HTML.

    Code spans and fences are left alone: Markdown escapes those itself.
    """
    out, last = [], 0
    for match in _CODE.finditer(source):
        out += [_defuse(source[last:match.start()]), match.group(0)]
        last = match.end()
    out.append(_defuse(source[last:]))
    return "".join(out)


def _defuse(text: str) -> str:
    """Escape `<`, and every `[` that cannot start a link: python-markdown's bracket matching is
    quadratic, and 20,000 `[` would cost a minute of CPU per post (measured)."""
    text = text.replace("<", "&lt;")
    kept = 0

    def keep_or_escape(match: re.Match) -> str:
        nonlocal kept
        if kept < MAX_LINKS and _LINK_START.match(text, match.start()):
            kept += 1
            return "["
        return "\\["

    return _BRACKET.sub(keep_or_escape, text)


def _in_text(rendered: str, pattern: re.Pattern, replace: Callable[[re.Match], str]) -> str:
    """Apply `pattern` to text only: never inside tags, <code>, <pre> or existing links."""
    parts = re.split(r"(<pre>.*?</pre>|<code>.*?</code>|<a\b.*?</a>|<[^>]+>)", rendered, flags=re.S)
    return "".join(part if part.startswith("<") else pattern.sub(replace, part) for part in parts)


def _mention_linker(resolve: Callable[[str], str | None]) -> Callable[[re.Match], str]:
    def link(match: re.Match) -> str:
        url = resolve(match.group(1))
        return f'<a class="mention" href="{html.escape(url)}">@{match.group(1)}</a>' if url else match.group(0)
    return link


def mentioned_handles(text: str) -> list[str]:
    """Handles mentioned in a post, in order, ignoring code."""
    seen: dict[str, None] = {}
    for handle in _MENTION.findall(_CODE.sub(" ", text)):
        seen.setdefault(handle, None)
    return list(seen)


def quote_markdown(author: str, post_url: str, text: str) -> str:
    """A Markdown quote of `text` that links to its source; the name cannot inject Markdown."""
    safe_author = re.sub(r"([\\`*_{}\[\]()#+!<>|~-])", r"\\\1", author)
    body = "\n".join("> " + line if line.strip() else ">" for line in text.strip().splitlines())
    return f"[{safe_author}]({post_url}) пишет:\n\n{body}"


def plain_text(markdown_text: str, limit: int | None = None) -> str:
    """Readable text for excerpts and mail: the rendered post without any markup."""
    text = html.unescape(_TAGS.sub("", _BLOCK_END.sub(" ", render_user_markdown(markdown_text))))
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0]
        text = cut + "…"
    return text
