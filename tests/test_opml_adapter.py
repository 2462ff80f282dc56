"""Reading uploaded OPML with defusedxml: every encoding that can be read is, everything else says why."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.opml import MAX_BYTES, MAX_FEEDS, REASONS, OpmlError, read_opml

BODY = (
    '<opml version="2.0"><head><title>{title}</title></head><body>'
    '<outline text="{name}" type="rss" xmlUrl="https://example.org/feed.xml"/>'
    '<outline text="Tech"><outline title="Nouvelles" text="ignored" xmlUrl="https://news.example.com/rss"/>'
    "</outline></body></opml>"
)


def document(encoding: str, *, name: str = "Blog été", title: str = "Mes flux", prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n{prolog}' + BODY.format(name=name, title=title)


def reason_of(content: bytes) -> str:
    with pytest.raises(OpmlError) as raised:
        read_opml(content)
    assert raised.value.reason in REASONS
    return raised.value.reason


@pytest.mark.parametrize(
    "encoding, name, data",
    [
        ("UTF-8", "Blog été", lambda text: text.encode("utf-8")),
        ("UTF-8", "Blog été", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("UTF-16", "Blog été", lambda text: text.encode("utf-16")),  # with its byte-order mark
        ("UTF-16LE", "Blog été", lambda text: text.encode("utf-16-le")),  # without one
        ("UTF-16BE", "Blog été", lambda text: text.encode("utf-16-be")),
        ("UTF-32", "Blog été", lambda text: text.encode("utf-32")),
        ("ISO-8859-1", "Blog été", lambda text: text.encode("iso-8859-1")),
        ("windows-1252", "Blog été – “cité”", lambda text: text.encode("cp1252")),
        ("Shift_JIS", "日本経済新聞", lambda text: text.encode("shift_jis")),
        ("EUC-JP", "日本経済新聞", lambda text: text.encode("euc_jp")),
        ("GB2312", "经济新闻", lambda text: text.encode("gb2312")),
    ],
)
def test_declared_encodings_are_read(encoding: str, name: str, data):  # type: ignore[no-untyped-def]
    feeds = read_opml(data(document(encoding, name=name)))
    assert feeds == [(name, "https://example.org/feed.xml"), ("Nouvelles", "https://news.example.com/rss")]


def test_without_a_declaration_the_document_is_utf8():
    assert read_opml(BODY.format(name="Café", title="t").encode())[0] == ("Café", "https://example.org/feed.xml")


@pytest.mark.parametrize(
    "content",
    [
        document("x-klingon").encode("utf-8"),  # no one knows it
        document("base64").encode("utf-8"),  # a codec, but not of text
        document("rot13").encode("utf-8"),
        document("UTF-8", name="Blog été").encode("iso-8859-1"),  # says UTF-8, is Latin-1
        document("Shift_JIS", name="日本").encode("utf-8")[:-30] + b"\x81",  # says Shift_JIS, ends mid-character
        document("UTF-16").encode("utf-8"),  # says UTF-16, written in single bytes
        "\ufeff".encode("utf-16-le")[:2] + b"<\x00?",  # a UTF-16 mark, then half a character
    ],
    ids=["unknown", "not-text", "rot13", "lying-utf8", "broken-sjis", "lying-utf16", "odd-utf16"],
)
def test_an_unknown_or_lying_encoding_is_named(content: bytes):
    assert reason_of(content) == "opml_encoding"


ENTITY_PROLOG = '<!DOCTYPE opml [<!ENTITY boom "boom">]>\n'


@pytest.mark.parametrize(
    "content",
    [
        document("UTF-16", prolog=ENTITY_PROLOG, name="&boom;").encode("utf-16"),
        document("UTF-8", prolog=ENTITY_PROLOG, name="&boom;").encode("utf-8"),
        document("UTF-8", prolog='<!DOCTYPE opml SYSTEM "http://169.254.169.254/x.dtd">\n').encode(),
        document("UTF-8", prolog="<!DOCTYPE opml>\n").encode(),
        document(
            "UTF-8",
            prolog='<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
            name="&b;",
        ).encode(),
        document("Shift_JIS", prolog=ENTITY_PROLOG, name="日本&boom;").encode("shift_jis"),
        document("UTF-7", prolog="+ADw-+ACE-DOCTYPE opml+AD4-\n", name="Blog").encode("ascii"),  # "<!DOCTYPE"
    ],
    ids=["utf16-entity", "utf8-entity", "external-dtd", "bare-doctype", "laughs", "sjis-entity", "utf7-doctype"],
)
def test_doctypes_and_entities_are_refused_in_any_encoding(content: bytes):
    assert reason_of(content) == "opml_entities"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        gzip.compress(document("UTF-8").encode()),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
        b"",
        b"<opml><body><outline xmlUrl='https://x.example/a'></body>",
        b"<opml>" + b"\x00" * 10,
    ],
    ids=["png", "gzip", "pdf", "empty", "unclosed", "nul"],
)
def test_what_is_not_xml_says_so(content: bytes):
    assert reason_of(content) == "opml_not_xml"


def test_xml_that_is_not_opml_and_opml_without_feeds_say_so():
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>'
    assert reason_of(rss) == "opml_not_opml"
    empty = b'<opml version="2.0"><head/><body><outline text="Folder"/></body></opml>'
    assert reason_of(empty) == "opml_no_feeds"


def test_too_big_a_file_is_refused_before_reading():
    padding = "<outline text='x'/>" * (MAX_BYTES // 19 + 1)
    assert reason_of(document("UTF-8").replace("<body>", "<body>" + padding).encode()) == "opml_too_big"


def test_duplicates_are_listed_once_and_the_list_is_bounded():
    outlines = "".join(f'<outline text="F{n % 600}" xmlUrl="https://x.example/{n % 600}"/>' for n in range(1200))
    feeds = read_opml(f'<opml version="1.0"><body>{outlines}</body></opml>'.encode())
    assert len(feeds) == MAX_FEEDS
    assert feeds[0] == ("F0", "https://x.example/0") and len({url for _, url in feeds}) == MAX_FEEDS


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_feeds_or_one_of_the_reasons(content: bytes):
    try:
        feeds = read_opml(content)
    except OpmlError as error:
        assert error.reason in REASONS
    else:
        assert feeds and all(isinstance(t, str) and isinstance(u, str) for t, u in feeds)
