"""Feed text made safe: plain text of bounded length, http(s) links only, one URL per story."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.news import (
    ELLIPSIS,
    LINK_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    clip,
    fold,
    normalise_url,
    percent_encode,
    plain_text,
    safe_link,
    without_tracking,
)

# --- plain text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("<p>One</p><p>Two</p><br/>Three<li>Four</li>", "One Two Three Four"),
        ("Intro<script>alert('x<y>')</script> and <STYLE>p { color: red }</STYLE>outro", "Intro and outro"),
        ("Before<!-- a <b>hidden</b> comment -->after", "Beforeafter"),
        ("<![CDATA[Kept text]]> and more", "Kept text and more"),
        ("<!DOCTYPE html><?xml version='1.0'?>Text", "Text"),
        ("AT&amp;T&nbsp;&eacute;t&eacute; &#8217; &#x2014;", "AT&T\u00a0été ’ —"),
        ("Caf&amp;eacute; &amp;amp; more", "Café & more"),  # escaped twice
        ("&lt;p&gt;Escaped &lt;i&gt;markup&lt;/i&gt;&lt;/p&gt;", "Escaped markup"),
        ("&amp;lt;p&amp;gt;Twice escaped markup", "Twice escaped markup"),
        ("x<y and 3 < 4", "x<y and 3 < 4"),
        ("#import &lt;objc/runtime.h&gt; Objective-C", "#import <objc/runtime.h> Objective-C"),  # escaped code
        ("&lt;p&gt;Use &amp;lt;vector&amp;gt; or List&amp;lt;T&amp;gt;&lt;/p&gt;", "Use <vector> or List<T>"),
        ("&lt;p&gt;Write to &lt;ceo@example.com&gt;&lt;/p&gt;", "Write to <ceo@example.com>"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;&lt;objc&gt; kept", "<objc> kept"),
        ("  many\n\n spaces\t\tand\r\nlines  ", "many spaces and lines"),
        ("Pourquoi\u00a0? Parce que\u00a0!", "Pourquoi\u00a0? Parce que\u00a0!"),
        ("bell\x07 null\x00 bidi\u202eevil\u202c zero\u200bwidth bom\ufeff &#0;",
         "bell null bidievil zerowidth bom"),
        ("family 👨\u200d👩\u200d👧 emoji", "family 👨\u200d👩\u200d👧 emoji"),
        ("<a href='https://example.com/?a=1&b=2' title=\"x\">link text</a>", "link text"),
        ("unclosed <script>everything after is code", "unclosed"),
        ("", ""),
    ],
)
def test_plain_text_removes_html_and_decodes_entities(raw, expected):
    assert plain_text(raw, TITLE_LIMIT) == expected


def test_plain_text_cuts_on_a_word_boundary_with_an_ellipsis():
    text = plain_text("<p>The quick brown fox jumps over the lazy dog</p>", 20)
    assert text == "The quick brown fox…"
    assert len(text) <= 20
    assert plain_text("Short enough", 20) == "Short enough"


def test_plain_text_reads_only_what_it_needs_of_huge_or_malformed_input():
    # Each of these is about 1 MB (a summary) or 10,000 characters (a title); a scanner that went back over
    # the input at each "<" would not finish.
    summaries = [
        "word " * 200_000,
        "<" * 1_000_000,
        "<a" * 500_000,
        "</" * 500_000,
        "<!--" * 250_000,
        "<!" * 500_000,
        "<script>" + "x<" * 500_000,
        "<script>x</script" * 60_000,
        "<b></b>" * 150_000,
        "<a href='" + "x" * 1_000_000,
        "<![CDATA[" * 110_000,
        "&amp;amp;" * 110_000,
        " \n\t" * 330_000 + "end",
        "<p>" * 330_000 + "end",
    ]
    for raw in summaries:
        text = plain_text(raw, SUMMARY_LIMIT)
        assert len(text) <= SUMMARY_LIMIT
        assert text == text.strip() and "  " not in text
    assert plain_text(" \n\t" * 330_000 + "end", SUMMARY_LIMIT) == "end"
    assert plain_text("<p>" * 330_000 + "end", SUMMARY_LIMIT) == "end"
    title = plain_text("<b>Breaking</b> " + "news " * 2_000, TITLE_LIMIT)
    assert title.startswith("Breaking news") and title.endswith(ELLIPSIS) and len(title) <= TITLE_LIMIT


@given(st.text(max_size=600), st.integers(min_value=0, max_value=300))
def test_plain_text_is_always_short_folded_and_free_of_control_characters(raw, limit):
    text = plain_text(raw, limit)
    assert len(text) <= limit
    assert text == text.strip()
    assert "  " not in text and "\n" not in text and "\t" not in text
    assert not any(unicodedata.category(char) in ("Cc", "Cs") for char in text)


@given(st.lists(st.sampled_from(["<b>", "</b>", "<p>", "<!--", "-->", "&amp;", "&lt;", "&gt;", "word", " ",
                                 "<script>", "</script>", "é", "<", ">", "&"]), max_size=80))
def test_plain_text_never_lets_a_tag_through(parts):
    text = plain_text("".join(parts), SUMMARY_LIMIT)
    for tag in ("<b>", "</b>", "<p>", "<script>", "</script>"):
        assert tag not in text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Hello, world and more", 8, "Hello…"),
        ("Supercalifragilistic", 8, "Superca…"),
        ("a b c d e f", 6, "a b c…"),
        ("abc def", 4, "abc…"),
        ("Pourquoi\u00a0? Parce que", 10, "Pourquoi…"),
        ("Pourquoi\u00a0? Parce que", 11, "Pourquoi\u00a0?…"),
        ("Exactly ten", 11, "Exactly ten"),
        ("anything", 1, ELLIPSIS),
        ("anything", 0, ""),
    ],
)
def test_clip(text, limit, expected):
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit


# --- links --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com/article",
        "http://example.com",
        "HTTPS://Example.COM/a?b=c#d",
        "  https://example.com/with-surrounding-spaces\n",
        "https://www.lemonde.fr/économie/article/2026/11/23/titre_123.html",
        "https://[2001:db8::1]:8443/x",
        "https://example.com:8080/x?q=%C3%A9",
    ],
)
def test_safe_link_accepts_absolute_http_links(raw):
    assert safe_link(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//https://example.com",
        "data:text/html,<script>alert(1)</script>",
        "/relative/path",
        "//example.com/protocol-relative",
        "example.com/no-scheme",
        "ftp://example.com/file",
        "mailto:someone@example.com",
        "https://user:password@example.com/",
        "https://evil.com@example.com/",
        "https://example.com/with space",
        "https://example.com/with\ttab",
        "https://example.com/\x00null",
        'https://example.com/"onmouseover="alert(1)',
        "https://example.com\\@evil.com/",
        "https://",
        "https:///path",
        "https://example.com:99999/",
        "https://example.com/" + "a" * LINK_LIMIT,
    ],
)
def test_safe_link_refuses_everything_else(raw):
    assert safe_link(raw) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:443/News/Story/?utm_source=rss&utm_medium=feed#comments",
         "https://example.com/News/Story"),
        ("http://example.com:80/a?b=2&a=1&fbclid=XYZ&gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref=home&xtor=RSS-3",
         "http://example.com/a?a=1&b=2"),
        ("https://example.com:8443/a/", "https://example.com:8443/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com./a?UTM_Campaign=x&at_medium=rss&id=7", "https://example.com/a?id=7"),
        ("https://example.com/%c3%a9t%c3%a9?q=%e2%82%ac", "https://example.com/%C3%A9t%C3%A9?q=%E2%82%AC"),
        ("https://example.com/été", "https://example.com/%C3%A9t%C3%A9"),
        ("https://example.com/a?&&x=1&", "https://example.com/a?x=1"),
        ("not a url", "not a url"),
    ],
)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_the_same_story_gets_the_same_url_whatever_the_tracking():
    variants = [
        "https://www.example.com/2026/11/story.html",
        "https://WWW.example.com/2026/11/story.html?utm_source=twitter&utm_medium=social",
        "https://www.example.com:443/2026/11/story.html/#top",
        "https://www.example.com/2026/11/story.html?fbclid=IwAR0abc&ref=rss",
    ]
    assert len({normalise_url(v) for v in variants}) == 1
    assert normalise_url(variants[0]) != normalise_url("https://www.example.com/2026/11/other-story.html")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?id=3&UTM_Campaign=x&Page=2&fbclid=Iw#top", "https://example.com/a?id=3&Page=2#top"),
        ("https://www.example.fr/eco/article.html#xtor=RSS-3208", "https://www.example.fr/eco/article.html"),
        ("https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=twsrc#utm_source=x&section",
         "https://example.com/a#section"),
        ("https://Example.com:8443/A/?b=2&a=1", "https://Example.com:8443/A/?b=2&a=1"),  # left as written
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/#!/page?x=1", "https://example.com/#!/page?x=1"),
        ("not a url?utm_source=x", "not a url?utm_source=x"),
    ],
)
def test_without_tracking_keeps_the_link_but_its_tracking(link, expected):
    assert without_tracking(link) == expected


_SEGMENT = st.text(alphabet="abcXYZ019-._~%é", min_size=0, max_size=6)
_NAME = st.sampled_from(["id", "page", "utm_source", "fbclid", "ref", "Q", "x"])
_PARAMETER = st.tuples(_NAME, _SEGMENT).map("=".join)


@given(
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["example.com", "News.Example.org", "example.com.", "[::1]"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(_SEGMENT, max_size=4).map("/".join),
    st.lists(_PARAMETER, max_size=4),
    st.sampled_from(["", "#frag", "#"]),
)
def test_normalising_twice_changes_nothing_and_keeps_a_safe_link(scheme, host, port, path, parameters,
                                                                 fragment):
    query = "?" + "&".join(parameters) if parameters else ""
    url = f"{scheme}://{host}{port}/{path}{query}{fragment}"
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert safe_link(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#" not in once
    clean = without_tracking(url)
    assert without_tracking(clean) == clean and normalise_url(clean) == once
    assert "utm_" not in clean and "fbclid" not in clean and safe_link(clean) == clean


@given(st.text(max_size=50))
def test_percent_encoding_decodes_back_and_leaves_only_safe_characters(text):
    text = text.encode("utf-8", "replace").decode("utf-8")
    encoded = percent_encode(text)
    assert unquote(encoded) == text
    assert all(char.isascii() and (char.isalnum() or char in "-._~%") for char in encoded)


def test_percent_encoding_keeps_what_it_is_told_to():
    assert percent_encode("a b/c?", safe="/") == "a%20b/c%3F"
    assert urlsplit("https://x.com/?q=" + percent_encode("a&b=c")).query == "q=a%26b%3Dc"


def test_fold_ignores_case_accents_and_punctuation():
    assert fold("Cybersécurité : l'IA, ÉNERGIE & co.") == "cybersecurite l ia energie co"
    assert fold("Straße") == "strasse"


def test_a_long_html_text_is_split_between_lines_that_close_their_tags():
    from hypothesis import given
    from hypothesis import strategies as st

    from bot.core.markup import html_problems, split_message, telegram_length

    @given(st.lists(st.text(alphabet="ab <>&é😀", min_size=0, max_size=120), min_size=1, max_size=120),
           st.integers(min_value=200, max_value=4096))
    def check(lines, limit):
        from bot.core.markup import escape

        text = "\n".join(f"<b>{escape(line)}</b>" if n % 3 else f"<blockquote>{escape(line)}\nmore</blockquote>"
                         for n, line in enumerate(lines))
        parts = split_message(text, limit)
        assert all(telegram_length(part) <= limit and html_problems(part) == [] for part in parts)

    check()
