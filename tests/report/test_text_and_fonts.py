"""Escaping, per-run font choice and text blocks: the parts every user
string passes through on its way into a Paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from duediligence.errors import ReportError
from duediligence.report.fonts import BOLD, REGULAR, REPLACEMENT, BundledFonts, FontFace, bundled_fonts, to_unicode_cmap
from duediligence.report.styles import paragraph_styles
from duediligence.report.text import BLOCK_CHARS, blocks, clean, markup, shorten


@pytest.fixture(scope="module")
def fonts() -> BundledFonts:
    return bundled_fonts()


@pytest.mark.parametrize(
    "hostile",
    ["<b>bold</b>", '<font name="Courier">x</font>', '<a href="https://evil.example">x</a>', "&amp;", "5 < 6", "<unclosed", "<br/>", "&#x41;", "<para>"],
)
def test_markup_prints_hostile_text_literally(fonts: BundledFonts, hostile: str) -> None:
    paragraph = Paragraph(markup(hostile, fonts), paragraph_styles()["body"])
    assert paragraph.getPlainText() == hostile


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_becomes_a_paragraph_that_says_the_same(text: str) -> None:
    fonts = bundled_fonts()
    paragraph = Paragraph(markup(text, fonts), paragraph_styles()["body"])
    paragraph.wrap(300, 10_000)
    expected = "".join(run for line in clean(text).split("\n") for _, run in fonts.runs(line))
    # A soft hyphen is a hyphenation hint that ReportLab may drop: not content.
    printed = paragraph.getPlainText().replace("\xad", "")
    assert "".join(printed.split()) == "".join(expected.replace("\xad", "").split())


@pytest.mark.parametrize(
    ("char", "font"),
    [
        ("A", REGULAR),
        ("Ж", REGULAR),
        ("λ", REGULAR),
        ("ع", REGULAR),
        ("א", REGULAR),
        ("中", "DroidSansFallback"),
        ("か", "DroidSansFallback"),
        ("한", "DroidSansFallback"),
        ("㐀", "DroidSansFallbackFull"),  # CJK Extension A
        ("👍", "Symbola"),
    ],
)
def test_each_script_goes_to_a_font_that_has_it(fonts: BundledFonts, char: str, font: str) -> None:
    expected = [(REGULAR, f"x{char}")] if font == REGULAR else [(REGULAR, "x"), (font, char)]
    assert fonts.runs(f"x{char}", REGULAR) == expected
    assert fonts.covers(font, char)


def test_bold_runs_fall_back_to_the_regular_face_only_for_missing_glyphs(fonts: BundledFonts) -> None:
    assert fonts.runs("Bold 中", BOLD) == [(BOLD, "Bold "), ("DroidSansFallback", "中")]


def test_uncovered_characters_become_a_visible_replacement(fonts: BundledFonts) -> None:
    runs = fonts.runs("a\U0001f970b")  # U+1F970 (Unicode 11) is newer than every bundled font
    assert "".join(run for _, run in runs) == f"a{REPLACEMENT}b"


def test_invisible_format_characters_without_a_glyph_are_dropped(fonts: BundledFonts) -> None:
    flag_tag = "\U000e0067\U000e0062"  # tag characters of a subdivision flag: in no bundled font
    text = "".join(run for _, run in fonts.runs(f"🏴{flag_tag}x"))
    assert text == "🏴x"


def test_a_missing_font_file_fails_loudly() -> None:
    with pytest.raises(ReportError, match="missing"):
        BundledFonts((FontFace("Nope", "no-such-font.ttf", "LICENSE-DejaVu.txt", "nothing", "Nope"),))


def test_characters_beyond_the_bmp_get_a_correct_tounicode_entry() -> None:
    cmap = to_unicode_cmap("AAAAAA+Symbola", [0x41, 0x1F600])
    assert "<00> <0041>" in cmap
    assert "<01> <D83DDE00>" in cmap


def test_clean_removes_control_characters_and_keeps_lines() -> None:
    assert clean("a\x00b\r\nc\td\x7f") == "ab\nc    d"


def test_blocks_cut_long_text_without_losing_any_word() -> None:
    text = " ".join(f"w{i}" for i in range(20_000)) + "\n\n" + "y" * 5_000
    parts = blocks(text)
    assert all(len(part) <= BLOCK_CHARS for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
    assert parts[-3:] == ["y" * BLOCK_CHARS, "y" * BLOCK_CHARS, "y" * 1_000]


def test_shorten_keeps_one_line() -> None:
    assert shorten("a\nb  c", 10) == "a b c"
    assert shorten("x" * 50, 10) == "x" * 9 + "\u2026"
