"""Member Markdown -> HTML: what renders, and a corpus of XSS payloads checked by the output's properties."""

import html
import re
from html.parser import HTMLParser

import nh3
import pytest

from portal.usertext import (
    ALLOWED_TAGS,
    mentioned_handles,
    plain_text,
    quote_markdown,
    render_user_markdown,
)

PAYLOADS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<IMG SRC=javascript:alert('XSS')>", "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>", "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src='javascript:alert(1)'></iframe>", "<object data='data:text/html,<script>alert(1)</script>'>",
    "<embed src=javascript:alert(1)>", "<body onload=alert(1)>", "<div style='background:url(javascript:alert(1))'>",
    "<p style='x:expression(alert(1))'>x</p>", "<a href='javascript:alert(1)'>x</a>", "<a href=' javascript:alert(1)'>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>", "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>", "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( javascript:alert(1) )", "[x](java\tscript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:alert(1))", "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)", "![x](javascript:alert(1))", "![x\" onerror=\"alert(1)](https://e.example/a.png)",
    "[x](https://e.example/\" onclick=\"alert(1))", "<base href='//evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>", "<form action='//evil.example'><input></form>",
    "<style>*{background:url(javascript:alert(1))}</style>", "<link rel=stylesheet href=//evil.example/x.css>",
    "<a href='//evil.example' onmouseover='alert(1)'>x</a>", "<<script>script>alert(1)<</script>/script>",
    "<img src=\"x\" onerror\n=alert(1)>", "<div><p>unclosed <b>markup <i>everywhere",
    "`<script>` and ```\n<script>\n```",
    "<a href=\"javascript&colon;alert(1)\">x</a>", "[a](<javascript:alert(1)>)", "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>", "<x onclick=alert(1)>click</x>", "\u202e<script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->", "<![CDATA[<script>alert(1)</script>]]>", "> <script>alert(1)</script>",
]
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def inspect(output: str) -> Inspector:
    parser = Inspector()
    parser.feed(output)
    parser.close()
    return parser


def scheme_of(url: str) -> str:
    """The scheme a browser would see: tabs and newlines removed anywhere, C0 and spaces trimmed (WHATWG URL)."""
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(url)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                                    "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
                                                                    "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ").lower()
    found = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) + ":" if found else ""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_produces_executable_content(payload):
    output = render_user_markdown(payload, resolve_mention=lambda h: f"/forum/u/{h}")
    found = inspect(output)
    assert set(found.tags) <= ALLOWED_TAGS, found.tags
    for tag, name, value in found.attributes:
        assert not name.startswith("on") and name != "style", (tag, name)
        if name in ("href", "src"):
            assert scheme_of(value) in ("", *SAFE_SCHEMES), value
    for tag, name, value in found.attributes:
        if tag == "a" and name == "rel":
            assert {"nofollow", "noopener", "ugc"} <= set(value.split())
    links = sum(1 for tag in found.tags if tag == "a")
    assert links == sum(1 for t, n, _ in found.attributes if t == "a" and n == "rel")
    lowered = output.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<iframe" not in lowered
    assert nh3.clean(output, tags=ALLOWED_TAGS, attributes={"a": {"href", "title", "class", "rel"},
                                                           "th": {"align"}, "td": {"align"}, "ol": {"start"}},
                     link_rel=None) == output


def test_markdown_renders_the_usual_things():
    output = render_user_markdown("**жирный** *курсив*\n\n- один\n- два\n\n> цитата\n\n`код`\n\n"
                                  "| a | b |\n|---|---|\n| 1 | 2 |")
    for fragment in ("<strong>жирный</strong>", "<em>курсив</em>", "<li>один</li>", "<blockquote>", "<code>код</code>",
                     "<table>"):
        assert fragment in output


def test_typed_html_shows_as_text():
    assert "&lt;b&gt;жирный&lt;/b&gt;" in render_user_markdown("<b>жирный</b>")


def test_club_links_stay_relative_and_external_links_get_rel():
    output = render_user_markdown("[отчёт](/analytics/rynok-2026/) и https://example.com/page")
    assert 'href="/analytics/rynok-2026/"' in output and 'href="https://example.com/page"' in output
    assert output.count('rel="nofollow noopener ugc"') == 2


def test_images_become_links():
    output = render_user_markdown("![схема](https://example.com/a.png)")
    assert "<img" not in output and 'href="https://example.com/a.png"' in output


def test_big_headings_are_demoted():
    assert "<h1" not in render_user_markdown("# Заголовок") and "<h3>" in render_user_markdown("# Заголовок")


def test_mentions_resolve_only_known_handles_and_never_in_code_or_email():
    resolve = {"irina-lampova": "/forum/u/irina-lampova"}.get
    output = render_user_markdown("@irina-lampova @nobody `@irina-lampova` a@irina-lampova.ru",
                                  resolve_mention=resolve)
    assert output.count('class="mention"') == 1 and "@nobody" in output
    assert mentioned_handles("@ivan-p и @olga, `@code` и mail@ivan.ru, снова @ivan-p") == ["ivan-p", "olga"]


def test_quote_links_its_source_and_escapes_the_author():
    quote = quote_markdown("[evil](javascript:alert(1))", "/forum/t/3/?page=1#p2", "строка один\nстрока два")
    output = render_user_markdown(quote)
    assert "<blockquote>" in output and 'href="/forum/t/3/?page=1#p2"' in output
    assert "javascript" not in output.split("<blockquote>")[0].replace("\\", "") or 'href="javascript' not in output
    assert 'href="javascript' not in output


def test_plain_text_strips_markup_and_cuts_on_a_word():
    assert plain_text("**Привет**, [мир](https://e.example)!") == "Привет, мир!"
    assert plain_text("слово " * 100, 30).endswith("слово…") and len(plain_text("слово " * 100, 30)) <= 31


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", ["*" * 20000, "[" * 20000, "[a](" * 5000, "`" * 20000, "> " * 10000, "_a" * 10000,
                                  "\x00" * 100])
def test_pathological_input_finishes(text):
    render_user_markdown(text)
