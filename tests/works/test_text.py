import re
import time

import pytest

from works.text import (
    abstract_from_inverted_index,
    clean_abstract,
    clean_title,
    plain_text,
)

# Markup that is allowed to survive, exactly as the cleaners write it.
STORED_TAG = re.compile(r"</?(?:i|b|sub|sup|p)>")

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(1)",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x ONERROR=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<img src=x onerror=alert(1)",
    "<img src=`x` onerror=alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><style>*{x:expression(alert(1))}</style></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "<a href=JaVaScRiPt:alert(1)>click</a>",
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)">',
    '<div hx-post="/follow/1" hx-trigger="load">x</div>',
    '<a data-hx-get="/claims/1/withdraw" data-hx-trigger="load">x</a>',
    '<p hx-on:click="alert(1)">x</p>',
    '<form hx-post="/follow/1"><button>go</button></form>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<i style="color:red" onclick="alert(1)">x</i>',
    '<sup onmouseover="alert(1)">2</sup>',
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<input autofocus onfocus="alert(1)">',
    "<video><source onerror=alert(1)></video>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<xss onmouseover="alert(1)">x</xss>',
    '<custom-element onclick="alert(1)">x</custom-element>',
    "<\x00script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<jats:p><script>alert(1)</script></jats:p>",
    '<jats:italic onmouseover="alert(1)">x</jats:italic>',
    '<jats:ext-link xlink:href="javascript:alert(1)">x</jats:ext-link>',
    '<jats:p hx-get="/admin/" hx-trigger="load">x</jats:p>',
    "<jats:title><img src=x onerror=alert(1)></jats:title>",
    '<jats:styled-content style="x" onclick="alert(1)">x</jats:styled-content>',
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
]

CLEANERS = [clean_title, clean_abstract]


def assert_inert(stored):
    lowered = (stored or "").lower()
    assert "<script" not in lowered
    assert not re.search(r"\son[a-z]*\s*=", lowered)
    assert "hx-" not in lowered
    assert "javascript:" not in lowered
    assert "style" not in lowered
    assert STORED_TAG.sub("", stored or "").count("<") == 0


# OpenAlex abstract_inverted_index (DATA-FAULTS §1–§3)


def test_keeps_repeated_words():
    index = {
        "the": [0, 4],
        "cat": [1],
        "saw": [2, 6],
        "and": [3],
        "dog": [5],
        "it": [7],
    }

    text = abstract_from_inverted_index(index)

    assert text == "the cat saw and the dog saw it"


def test_uses_every_position_exactly_once():
    index = {
        "the": [0, 4],
        "cat": [1],
        "saw": [2, 6],
        "and": [3],
        "dog": [5],
        "it": [7],
    }

    words = abstract_from_inverted_index(index).split(" ")

    assert len(words) == max(p for ps in index.values() for p in ps) + 1


def test_skips_gaps_in_positions():
    text = abstract_from_inverted_index({"first": [0], "later": [7], "last": [1000]})

    assert text == "first later last"


def test_keeps_the_first_word_for_a_duplicate_position():
    text = abstract_from_inverted_index({"first": [0], "second": [0], "end": [1]})

    assert text == "first end"


def test_sorts_positions_given_out_of_order():
    text = abstract_from_inverted_index({"c": [2], "a": [0], "b": [3, 1]})

    assert text == "a b c b"


@pytest.mark.parametrize("index", [None, {}, {"": [0]}, {"word": []}, []])
def test_returns_none_without_an_abstract(index):
    assert abstract_from_inverted_index(index) is None


def test_ignores_positions_that_are_not_integers():
    index = {"a": [0, "1", True, -1, 1.5, None], "b": [1]}

    assert abstract_from_inverted_index(index) == "a b"


def test_leaves_entities_and_tags_for_clean_abstract():
    index = {"R&amp;D": [0], "costs": [1], "rose": [2], "&amp;gt;10%.<br>": [3]}

    raw = abstract_from_inverted_index(index)

    assert raw == "R&amp;D costs rose &amp;gt;10%.<br>"


def test_decodes_index_keys_after_rebuilding():
    index = {"R&amp;D": [0], "costs": [1], "rose": [2], "&amp;gt;10%.<br>": [3]}

    stored = clean_abstract(abstract_from_inverted_index(index))

    assert plain_text(stored) == "R&D costs rose >10%."
    assert stored == "<p>R&amp;D costs rose &gt;10%.</p>"
    assert "&amp;gt;" not in stored
    assert "<br" not in stored


def test_keeps_index_keys_with_dots():
    index = {"e.g.": [0], "3.5": [1], "U.S.": [2], "a.b.c": [3]}

    assert abstract_from_inverted_index(index) == "e.g. 3.5 U.S. a.b.c"


def test_keeps_markup_inside_index_keys():
    index = {"<i>t</i>-intervals": [0], "and": [1], "correlation&amp;gt;80%,": [2]}

    stored = clean_abstract(abstract_from_inverted_index(index))

    assert stored == "<p><i>t</i>-intervals and correlation&gt;80%,</p>"


def test_keeps_less_than_signs_inside_index_keys():
    index = {"small": [0], "(<5": [1], "ha)": [2], "and": [3], "<1%": [4]}

    stored = clean_abstract(abstract_from_inverted_index(index))

    assert plain_text(stored) == "small (<5 ha) and <1%"


def test_turns_openalex_carriage_return_escapes_into_spaces():
    # Real World Bank keys: "&#13;" followed by a literal backslash and "n".
    index = {"parks&#13;\\n": [0], "are": [1], "African&#13;\\nresource": [2]}

    stored = clean_abstract(abstract_from_inverted_index(index))

    assert plain_text(stored) == "parks are African resource"


def test_strips_nul_bytes_from_index_keys():
    assert abstract_from_inverted_index({"a\x00b": [0]}) == "ab"


# Abstracts: JATS, HTML and plain text (DATA-FAULTS §4)


JATS_ABSTRACT = (
    "<jats:title>Abstract</jats:title>"
    "<jats:p>We measured CO<jats:sub>2</jats:sub> in "
    "<jats:italic>F. imaginaria</jats:italic>.</jats:p>"
    "<jats:p>Second &lt;paragraph&gt;.</jats:p>"
)


def test_converts_a_jats_abstract_to_paragraphs():
    stored = clean_abstract(JATS_ABSTRACT)

    assert plain_text(stored) == (
        "We measured CO2 in F. imaginaria.\n\nSecond <paragraph>."
    )
    assert stored == (
        "<p>We measured CO<sub>2</sub> in <i>F. imaginaria</i>.</p>"
        "<p>Second &lt;paragraph&gt;.</p>"
    )


def test_leaves_no_jats_prefix_behind():
    raw = (
        "<jats:title>ABSTRACT</jats:title>\n   <jats:sec><jats:title>"
        "<jats:bold>Purpose:</jats:bold></jats:title>"
        "<jats:p>Flux of <jats:sup>89</jats:sup>Zr in "
        '<jats:styled-content style-type="x">T<jats:sub>re</jats:sub>'
        "</jats:styled-content> with "
        '<jats:inline-graphic xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xlink:href="graphic/m-0001.png" /> see '
        "<jats:uri>https://example.org</jats:uri></jats:p></jats:sec>"
    )

    stored = clean_abstract(raw)

    assert "jats" not in stored
    assert stored == (
        "<p><b>Purpose:</b></p><p>Flux of <sup>89</sup>Zr in T<sub>re</sub> with "
        "see https://example.org</p>"
    )


@pytest.mark.parametrize(
    "heading", ["Abstract", "ABSTRACT", "Summary", "Graphical abstract", "Résumé"]
)
def test_drops_the_leading_jats_title(heading):
    raw = f"<jats:title>{heading}</jats:title><jats:p>We measured.</jats:p>"

    assert clean_abstract(raw) == "<p>We measured.</p>"


def test_keeps_section_titles_as_bold_paragraphs():
    raw = (
        "<jats:title>Abstract</jats:title>\n"
        "<jats:sec>\n  <jats:title>Background</jats:title>\n  <jats:p>Why.</jats:p>\n"
        "</jats:sec>\n<jats:sec>\n  <jats:title>Methods</jats:title>\n"
        "  <jats:p>How.</jats:p>\n</jats:sec>"
    )

    stored = clean_abstract(raw)

    assert (
        stored == "<p><b>Background</b></p><p>Why.</p><p><b>Methods</b></p><p>How.</p>"
    )
    assert plain_text(stored) == "Background\n\nWhy.\n\nMethods\n\nHow."


def test_drops_an_abstract_heading_inside_the_first_section():
    raw = "<jats:sec><jats:title>Abstract</jats:title><jats:p>Text.</jats:p></jats:sec>"

    assert clean_abstract(raw) == "<p>Text.</p>"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<jats:italic>x</jats:italic>", "<p><i>x</i></p>"),
        ("<jats:bold>x</jats:bold>", "<p><b>x</b></p>"),
        ("<jats:sub>2</jats:sub>", "<p><sub>2</sub></p>"),
        ("<jats:sup>2+</jats:sup>", "<p><sup>2+</sup></p>"),
        ("<jats:sc>nmr</jats:sc> data", "<p>nmr data</p>"),
        ('<jats:xref ref-type="bibr">12</jats:xref>', "<p>12</p>"),
        ('<jats:italic toggle="yes">in vitro</jats:italic>', "<p><i>in vitro</i></p>"),
    ],
)
def test_maps_jats_inline_elements(raw, expected):
    assert clean_abstract(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "One.<br>Two.",
        "One.<br/>Two.",
        "One.<BR />Two.",
        "One.\n\nTwo.",
        "One.\n  \n Two.",
        "<p>One.</p><p>Two.</p>",
        "<p>One.</p>\n\n<p>Two.</p>",
        "<jats:p>One.</jats:p><jats:p>Two.</jats:p>",
        "<div>One.</div><div>Two.</div>",
        "One.<jats:break/>Two.",
    ],
)
def test_turns_breaks_and_blank_lines_into_paragraphs(raw):
    assert clean_abstract(raw) == "<p>One.</p><p>Two.</p>"


def test_wraps_plain_text_in_a_paragraph():
    raw = "  A fully differential calculation\nis presented for the\nproduction.\n"

    assert clean_abstract(raw) == (
        "<p>A fully differential calculation is presented for the production.</p>"
    )


def test_glues_punctuation_back_after_pretty_printed_markup():
    raw = (
        "<jats:p>\n    the threadfin fish,\n"
        "    <jats:italic>Eleutheronema tetradactylum</jats:italic>\n"
        "    , and its diet.\n</jats:p>"
    )

    assert clean_abstract(raw) == (
        "<p>the threadfin fish, <i>Eleutheronema tetradactylum</i>, and its diet.</p>"
    )


def test_decodes_entities_once_beyond_the_markup():
    stored = clean_abstract("<p>for all &#947; &amp;gt; 1 and &lt;paragraph&gt;</p>")

    assert plain_text(stored) == "for all γ > 1 and <paragraph>"
    assert "&lt;paragraph&gt;" in stored


def test_leaves_a_third_level_of_escaping_as_text():
    stored = clean_abstract("R&amp;amp;amp;D")

    assert plain_text(stored) == "R&amp;D"


def test_shows_escaped_markup_as_text():
    stored = clean_abstract("&lt;img src=x onerror=alert(1)&gt; is a payload")

    assert "<img" not in stored
    assert plain_text(stored) == "<img src=x onerror=alert(1)> is a payload"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Abstract The central question", "The central question"),
        ("ABSTRACT Payments for services", "Payments for services"),
        ("SUMMARY The Coral Triangle", "The Coral Triangle"),
        ("Summary Caves are hot", "Caves are hot"),
        ("Abstract: I reviewed", "I reviewed"),
        ("Abstract. We show", "We show"),
        ("Abstract \u2014 We show", "We show"),
        ("AbstractConservation methods", "Conservation methods"),
        ("AbstractAbstractThis paper argues", "This paper argues"),
        ("SummaryIn many countries", "In many countries"),
        ("AbstractA survey and inventory", "A survey and inventory"),
        ("Abstract 17 sites were surveyed", "17 sites were surveyed"),
        ("Abstract\n\nWe show", "We show"),
        ("<p>Abstract</p><p>We show</p>", "We show"),
        ("<h2>Summary</h2><p>We show</p>", "We show"),
        ("<b>Abstract</b> We show", "We show"),
    ],
)
def test_drops_an_abstract_heading_glued_to_the_text(raw, expected):
    assert plain_text(clean_abstract(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Abstract Meaning Representation (AMR) is a semantic formalism.",
        "Abstract Syntax Trees are everywhere.",
        "Abstract algebra studies structures.",
        "Summary statistics are not enough.",
        "Summary Statistics for Selection",
        "ABSTRACTION is hard.",
        "Abstracts of talks given at the meeting.",
    ],
)
def test_keeps_abstract_when_it_is_the_first_word_of_the_content(raw):
    assert plain_text(clean_abstract(raw)) == raw


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   \n\t",
        "<jats:p> </jats:p>",
        "<jats:title>Abstract</jats:title>",
        "Abstract",
        "<p></p><br>",
        "\x00",
        "<script>alert(1)</script>",
    ],
)
def test_returns_none_for_an_empty_abstract(raw):
    assert clean_abstract(raw) is None


def test_keeps_latex_with_less_than_signs_in_abstracts():
    raw = "with\n$0<p\\le 1$, $0<q\\le \\infty$. We discuss $x>0$ too."

    stored = clean_abstract(raw)

    assert plain_text(stored) == (
        "with $0<p\\le 1$, $0<q\\le \\infty$. We discuss $x>0$ too."
    )


def test_reopens_inline_markup_after_a_paragraph_break():
    assert clean_abstract("<i>a<br>b</i>") == "<p><i>a</i></p><p><i>b</i></p>"


def test_balances_misnested_markup():
    assert clean_title("<i><b>x</i>y</b>") == "<i><b>x</b></i><b>y</b>"


def test_closes_unclosed_markup():
    assert clean_title("<i>x") == "<i>x</i>"
    assert clean_abstract("<sup>2") == "<p><sup>2</sup></p>"


def test_ignores_stray_end_tags():
    assert clean_title("x</i></b></sup> y") == "x y"


# Titles (DATA-FAULTS §5 and §18)


def test_keeps_superscripts_and_undoes_double_escaping():
    raw = "Ca<sup>2+</sup> signalling &amp;amp; growth in regions <0.5 mm"

    stored = clean_title(raw)

    assert stored == "Ca<sup>2+</sup> signalling &amp; growth in regions &lt;0.5 mm"
    assert plain_text(stored) == "Ca2+ signalling & growth in regions <0.5 mm"
    assert "&amp;amp;" not in stored


def test_keeps_openalex_title_markup():
    raw = (
        "Tests for departure from normality. Empirical results for the distributions "
        "of <i>b</i><sup>2</sup> and √<i>b</i><sup>1</sup>"
    )

    assert clean_title(raw) == raw


def test_decodes_numeric_and_named_entities_in_dblp_titles():
    assert clean_title("MTL<sub>0,&#8734;</sub>.") == "MTL<sub>0,∞</sub>."
    assert clean_title("Polynomen &uuml;ber K&ouml;rpern") == "Polynomen über Körpern"


@pytest.mark.parametrize("raw", ["R &Amp; D", "R &AMP; D", "R &amp;Amp; D", "R &amp D"])
def test_decodes_miscased_and_unterminated_ampersands(raw):
    assert clean_title(raw) == "R &amp; D"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<jats:italic>Homo</jats:italic> sapiens", "<i>Homo</i> sapiens"),
        ("<em>Homo</em> sapiens", "<i>Homo</i> sapiens"),
        ("<I>Homo</I> sapiens", "<i>Homo</i> sapiens"),
        ("<italic>Homo</italic> sapiens", "<i>Homo</i> sapiens"),
        ("<strong>New</strong> results", "<b>New</b> results"),
        ("<jats:bold>New</jats:bold> results", "<b>New</b> results"),
        ("CO<jats:sub>2</jats:sub> flux", "CO<sub>2</sub> flux"),
        ("CO<inf>2</inf> flux", "CO<sub>2</sub> flux"),
        ("<jats:sup>89</jats:sup>Zr", "<sup>89</sup>Zr"),
        ("<scp>nmr</scp> spectra", "nmr spectra"),
        ("<jats:sc>nmr</jats:sc> spectra", "nmr spectra"),
        ('<span class="x">Plain</span> words', "Plain words"),
        ('<a href="https://example.org">Linked</a> words', "Linked words"),
        ("<p>Wrapped</p>", "Wrapped"),
        ("<mml:math><mml:mi>x</mml:mi></mml:math> is", "x is"),
    ],
)
def test_maps_title_markup_to_the_safe_set(raw, expected):
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Calculation of prompt diphoton production cross sections at Tevatron "
            "and\n  LHC energies",
            "Calculation of prompt diphoton production cross sections at Tevatron "
            "and LHC energies",
        ),
        (
            "Two new species of\n                    <i>Primulina</i>\n"
            "                    (Gesneriaceae) from limestone karsts of China",
            "Two new species of <i>Primulina</i> (Gesneriaceae) from limestone karsts "
            "of China",
        ),
        ("Olahraga  Lari\tMaraton", "Olahraga Lari Maraton"),
        ("<p>First</p><p>second</p>", "First second"),
        ("One<br>two", "One two"),
    ],
)
def test_puts_titles_on_one_line(raw, expected):
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$",
        "$p$-adic Limit of Weakly Holomorphic Modular Forms",
        "A transcendental approach to Koll\\'ar's injectivity theorem",
        "The Hardy-Lorentz Spaces $H^{p,q}(R^n)$",
        "Strong Phase and $D^0-D^0bar$ mixing",
    ],
)
def test_keeps_latex_in_titles_verbatim(raw):
    assert clean_title(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "regions <0.5 mm",
        "p<0.05",
        "x < y",
        "a<b",
        "x <= y",
        "under <1% of cases",
        "Fish <Actinopterygii>",
        "a <paragraph> b",
        "$0<p\\le 1$",
        "x <- y",
        "<>",
        "for 0<p and q=1",
        "a <b c",
    ],
)
def test_never_reads_a_less_than_sign_as_a_tag(raw):
    stored = clean_title(raw)

    assert plain_text(stored) == raw
    assert "<" not in stored


def test_escapes_text_exactly_once():
    stored = clean_title("AT&T <0.5 & R&amp;D > 3")

    assert stored == "AT&amp;T &lt;0.5 &amp; R&amp;D &gt; 3"


def test_moves_spaces_out_of_inline_markup():
    raw = "Maximum Entropy and the <i> G/G/1/N </i> Queue."

    assert clean_title(raw) == "Maximum Entropy and the <i>G/G/1/N</i> Queue."


def test_drops_empty_inline_markup():
    assert clean_title("a <i> </i> b<sup></sup>") == "a b"


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\n\t", "<i></i>", "<jats:italic> </jats:italic>", "\x00"]
)
def test_returns_none_for_an_empty_title(raw):
    assert clean_title(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "Ca<sup>2+</sup> signalling &amp;amp; growth in regions <0.5 mm",
        "A study of <i>Ficta imaginaria</i>",
        "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$",
        "AT&T and R&D",
    ],
)
def test_cleaning_a_clean_title_changes_nothing(raw):
    stored = clean_title(raw)

    assert clean_title(stored) == stored


# Characters that must never reach the database


@pytest.mark.parametrize("cleaner", CLEANERS)
def test_strips_nul_bytes(cleaner):
    assert plain_text(cleaner("a\x00b <i>c\x00</i>")) == "ab c"


@pytest.mark.parametrize("cleaner", CLEANERS)
def test_replaces_lone_surrogates(cleaner):
    stored = cleaner("a\ud800b &#xD800;")

    assert plain_text(stored) == "a\ufffdb \ufffd"
    stored.encode("utf-8")


@pytest.mark.parametrize("cleaner", CLEANERS)
def test_strips_control_characters(cleaner):
    assert plain_text(cleaner("a\x07b\x1bc&#1;d")) == "abcd"


def test_decodes_a_nul_entity_to_a_replacement_character():
    assert plain_text(clean_title("a&#0;b")) == "a\ufffdb"


# Stored XSS (RELIABILITY.md test 7)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("cleaner", CLEANERS)
def test_makes_stored_xss_inert(cleaner, payload):
    stored = cleaner(f"Title {payload} end")

    assert_inert(stored)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_makes_jats_wrapped_xss_inert(payload):
    raw = f"<jats:title>Abstract</jats:title><jats:p>Before {payload} after</jats:p>"

    stored = clean_abstract(raw)

    assert_inert(stored)
    assert "jats" not in stored


def test_has_at_least_forty_xss_payloads():
    assert len(XSS_PAYLOADS) >= 40


def test_drops_a_broken_tag_that_sets_a_risky_attribute():
    raw = "<jats:p>before <img src=x onerror=alert(1) after</jats:p> tail"

    assert clean_title(raw) == "before tail"


def test_keeps_text_around_dropped_markup():
    stored = clean_title('Before <a href="javascript:alert(1)">link</a> after')

    assert stored == "Before link after"


def test_keeps_template_syntax_as_inert_text():
    stored = clean_title("{{ 7*7 }} and {% debug %}")

    assert stored == "{{ 7*7 }} and {% debug %}"


def test_keeps_a_latex_href_as_text():
    stored = clean_abstract("See \\href{https://example.org}{here} and \\url{x}.")

    assert stored == "<p>See \\href{https://example.org}{here} and \\url{x}.</p>"


# Parser hardening (RELIABILITY.md test 9)


def test_never_resolves_external_entities():
    raw = (
        '<?xml version="1.0"?>\n<!DOCTYPE article [\n'
        '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        "<jats:p>Secret: &xxe;</jats:p>"
    )

    stored = clean_abstract(raw)

    assert stored == "<p>Secret: &amp;xxe;</p>"


def test_never_expands_a_billion_laughs():
    entities = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    raw = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]><jats:p>&lol9;</jats:p>'

    started = time.perf_counter()
    stored = clean_abstract(raw)

    assert time.perf_counter() - started < 1
    assert stored == "<p>&amp;lol9;</p>"


def test_drops_comments_and_processing_instructions():
    raw = "<?xml version='1.0'?><!-- a <b>comment</b> --><jats:p>Text</jats:p>"

    assert clean_abstract(raw) == "<p>Text</p>"


def test_reads_cdata_as_text():
    assert clean_title("<![CDATA[a < b & <i>c</i>]]>") == (
        "a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;"
    )


# Each would take minutes if any step were quadratic in the input's length.
ADVERSARIAL_INPUTS = {
    "less-than signs": "<" * 100_000,
    "unclosed tags": "<a " * 50_000,
    "unclosed quotes": '<a "' * 50_000,
    "unclosed comments": "<!--" * 50_000,
    "unclosed doctypes": "<!DOCTYPE x [" * 20_000,
    "broken tags": "<img src=x " * 20_000,
    "ampersands": "a& " * 50_000,
    "entities": "&amp;" * 50_000,
    "no-break spaces": "&nbsp;" * 50_000,
    "nested italics": "<i>" * 50_000,
    "stray end tags": "</i>" * 50_000,
    "misnested tags": "<i><b>x</i></b>" * 10_000,
    "blank lines": "\n\n" * 100_000,
    "newlines before commas": " \n" * 100_000 + ",",
    "breaks": "x<br>" * 30_000,
    "unknown tags": "<zz>" * 50_000,
    "reopened bold": "<b>" + "<i>" * 20_000 + "</b><b>" * 20_000,
    "headings": "Abstract\n\n" * 30_000 + "x",
}


@pytest.mark.parametrize("raw", ADVERSARIAL_INPUTS.values(), ids=ADVERSARIAL_INPUTS)
@pytest.mark.parametrize("cleaner", [clean_title, clean_abstract, plain_text])
def test_cleans_hostile_input_in_linear_time(cleaner, raw):
    started = time.perf_counter()
    cleaner(raw)

    assert time.perf_counter() - started < 3


# plain_text


def test_joins_paragraphs_with_a_blank_line():
    assert plain_text("<p>One <i>a</i>.</p><p>Two.</p>") == "One a.\n\nTwo."


def test_decodes_stored_entities_once():
    assert plain_text("a &amp;lt; b &lt; c &amp; d") == "a &lt; b < c & d"


def test_reads_a_stored_title():
    assert plain_text("Ca<sup>2+</sup> &amp; <i>x</i>") == "Ca2+ & x"


@pytest.mark.parametrize("stored", [None, "", "<p></p>"])
def test_returns_an_empty_string_without_text(stored):
    assert plain_text(stored) == ""
