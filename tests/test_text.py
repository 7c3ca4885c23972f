"""The text rules of newscrawler/text.py (one test each), the one hash, and the MinHash-LSH
near-duplicate index's building blocks."""

from __future__ import annotations

import ftfy
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from w3lib.html import remove_tags, replace_entities

from newscrawler.state.sqlite import key_hash
from newscrawler.text import (
    BANDS,
    FTFY_NOOP,
    NUM_PERM,
    SHINGLE,
    band_hashes,
    clean_text,
    fingerprint,
    fold,
    fold_case,
    fold_title,
    hash64,
    markup_lines,
    markup_text,
    node_text,
    normalise,
    paragraphs,
    repair_mojibake,
    signature,
    signature_similarity,
    squash,
    text_keys,
    word_count,
)

# --- the text rules ---


def test_squash_makes_every_run_of_whitespace_one_space() -> None:
    assert squash("  The\tcouncil \n\n met\u00a0today  ") == "The council met today"
    assert squash("zero\u200bwidth") == "zero\u200bwidth", "an invisible character is no space"


def test_fold_compares_paragraphs_across_case_width_and_spacing() -> None:
    assert fold("  Ｔhe  STRASSE\nof Köln ") == fold("the straße of köln") == "the strasse of köln"
    assert fold("Related: Öl") != fold("Related: Ol"), "accents stay"


def test_fold_case_keeps_the_spacing_a_name_is_found_in() -> None:
    assert fold_case("Jane  DOE") == "jane  doe"
    assert fold_case("Ｊane\u00a0Doe") == "jane doe", "NFKC: the no-break space is a space"
    assert fold_case("Jane Doe") in fold_case("By JANE DOE, Berlin")


def test_fold_title_ignores_typography_soft_hyphens_and_optionally_case() -> None:
    typeset = "Helikopter\u00adlandeplatz – „Trump“ plant ‘alles’"
    plain = "helikopterlandeplatz - \"trump\" plant 'alles'"
    assert fold_title(typeset) == plain
    assert fold_title(typeset, case=True) == "Helikopterlandeplatz - \"Trump\" plant 'alles'"
    assert fold_title("A  title") == fold_title("a title")


def test_normalise_keeps_words_only() -> None:
    assert normalise("The  Council, met!") == normalise("the council met") == "the council met"
    assert normalise(None) == ""  # type: ignore[arg-type]


def test_paragraphs_are_the_non_empty_lines_without_invisible_characters() -> None:
    text = "One\u200b line\u00ad\n\n  Two\u00a0\u3000words \r\nThree\n \t \n"
    assert paragraphs(text) == ["One line", "Two words", "Three"]
    assert paragraphs("") == []


def test_node_text_is_an_elements_text_with_its_spacing_squashed() -> None:
    root = lxml.html.fragment_fromstring("<p>By <b>Jane</b>\n   <i>Doe</i><!-- note --></p>")
    assert node_text(root) == "By Jane Doe"
    comment = next(el for el in root.iter() if not isinstance(el.tag, str))
    assert node_text(comment) == "", "a comment has no text a reader sees"


def test_markup_text_gives_plain_text_or_none() -> None:
    assert markup_text("<b>AT&amp;T</b>   shares\n rise") == "AT&T shares rise"
    assert markup_text(" <br/> ") is None
    assert markup_text(["not", "a", "string"]) is None


def test_markup_lines_keeps_the_paragraphs_of_html() -> None:
    html = "<p>One &amp;  two</p><p>Three<br>four</p>  <div><span>five</span></div>"
    assert markup_lines(html) == "One & two\nThree\nfour\nfive"
    assert markup_lines(None) == ""


def test_repair_mojibake_fixes_encoding_damage_and_keeps_curly_quotes() -> None:
    assert repair_mojibake("CafÃ© in MÃ¼nchen") == "Café in München"
    assert repair_mojibake("don’t “quote” me") == "don’t “quote” me"
    assert repair_mojibake("line one\nCafÃ©\n") == "line one\nCafé\n", "line by line, breaks kept"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cafe\u0301 au lait", "Café au lait"),  # NFC
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
        ("CafÃ© in MÃ¼nchen", "Café in München"),  # mojibake repaired
        ("<b>bold</b> &amp; plain", "bold & plain"),
        ("  many   spaces\t", "many spaces"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_keeps_paragraphs() -> None:
    assert clean_text("One.\n\n\n  Two  \nThree", keep_paragraphs=True) == "One.\n\nTwo\n\nThree"


def test_word_count_counts_words_and_each_chinese_or_japanese_character() -> None:
    assert word_count("The council met on day 3.") == 6
    assert word_count("東京は晴れ") == 5
    assert word_count("Tokyo 東京, 2024") == 4
    assert word_count("") is None and word_count(None) is None


_TYPOGRAPHY = "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
_NOOP_ALPHABET = "\t\n" + "".join(map(chr, range(0x20, 0x7F))) + _TYPOGRAPHY


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=_NOOP_ALPHABET, max_size=200),
        st.text(alphabet=_TYPOGRAPHY + "aZ?1 ", max_size=12),  # dense in the characters that matter
    )
)
def test_the_text_clean_text_does_not_give_to_ftfy_is_text_ftfy_leaves_alone(text: str) -> None:
    assert FTFY_NOOP.fullmatch(text)
    assert ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False) == text


_MOJIBAKE_LINES = [
    "CafÃ© au lait",
    "donâ€™t stop",
    "naÃ¯ve <b>bold</b> &amp; co",
    "ﬁne ｗｉｄｅ",
    "plain ASCII & more",
    "AT&amp;T",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_MOJIBAKE_LINES), st.text(alphabet=_NOOP_ALPHABET + "éÃ©<", max_size=40))
    )
)
def test_repair_line_by_line_gives_ftfys_own_answer(lines: list[str]) -> None:
    # As clean_text uses it: entities are resolved right after, so a line ftfy would have
    # unescaped and repair_mojibake() skipped ends the same.
    def entities(t: str) -> str:
        return replace_entities(remove_tags(t)) if "<" in t or "&" in t else t

    text = "\n".join(lines)
    assert entities(repair_mojibake(text)) == entities(
        ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False)
    )


# --- the one hash and MinHash ---


STORY = " ".join(
    f"Sentence {i} of the story says the council met on day {i} and voted on item {i * 7} of the budget."
    for i in range(40)
)


def test_one_hash_stable_signed_64_bits() -> None:
    assert hash64("abc") == hash64("abc") != hash64("abd")
    assert -(2**63) <= hash64("abc") < 2**63
    assert key_hash("https://x.example/a") == hash64("https://x.example/a")
    assert (
        fingerprint("The  Council, met!")
        == fingerprint("the council met")
        == hash64(normalise("the council met"))
    )


def test_minhash_near_copy_shares_a_band_and_scores_high_unrelated_does_not() -> None:
    edited = STORY.replace("Sentence 3 ", "Sentence three ") + " An editor's note was added."
    other = " ".join(f"Word{i} about football scores in league {i % 5}" for i in range(60))
    a, b, c = signature(STORY), signature(edited), signature(other)
    assert len(a) == 32
    assert signature_similarity(a, b) >= 0.8
    assert set(band_hashes(a)) & set(band_hashes(b)), "a near copy is an LSH candidate"
    assert signature_similarity(a, c) < 0.3
    assert not set(band_hashes(a)) & set(band_hashes(c))
    assert len(band_hashes(a)) == BANDS


@given(st.lists(st.text(min_size=1, max_size=12), max_size=40).map(" ".join))
@settings(max_examples=200, deadline=None)
def test_signature_is_datasketchs_minhash(text: str) -> None:
    # Signatures are kept in the crawl state: ours must equal the datasketch MinHash that wrote
    # earlier states, or a later crawl would miss its near-duplicates.
    from datasketch import MinHash

    words = normalise(text).split()
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch([g.encode("utf-8") for g in grams if g])
    assert signature(text) == bytes((m.hashvalues & 0xFF).astype("uint8").tobytes())


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_text_keys_are_the_fingerprint_and_the_signature(text: str) -> None:
    assert text_keys(text) == (fingerprint(text), signature(text))
