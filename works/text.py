r"""Clean imported titles and abstracts into the small HTML subset we store.

Titles and abstracts arrive as plain text, HTML, JATS XML (Crossref), OpenAlex's
inverted index or LaTeX-laden arXiv text, and are often escaped twice. We store
sanitised HTML that templates render with `|safe`: text is escaped exactly once,
and the only elements are `<i>`, `<b>`, `<sub>` and `<sup>`, plus `<p>` around
abstract paragraphs, none of them with attributes.

The markup is read by a small tokenizer of our own rather than by an XML parser,
so entity declarations are never expanded (no XXE, no billion laughs) and a `<`
that does not open a real tag (`<0.5 mm`, `$0<p\le 1$`, `Fish <Actinopterygii>`)
stays text. nh3 then sanitises the result as a second, independent safeguard.
"""

import html
import re
from collections.abc import Iterator

import nh3


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_TAGS = frozenset({"i", "b", "sub", "sup"})
ABSTRACT_TAGS = TITLE_TAGS | {"p"}

# Source elements that carry meaning we keep, by local name (`jats:italic` is
# `italic`). Small caps (`sc`, `scp`) have no safe equivalent and become text.
_INLINE = {
    "i": "i",
    "em": "i",
    "italic": "i",
    "b": "b",
    "strong": "b",
    "bold": "b",
    "sub": "sub",
    "inf": "sub",
    "sup": "sup",
}
_BREAKS = frozenset({"br", "break"})
_HEADINGS = frozenset({"title", "h1", "h2", "h3", "h4", "h5", "h6"})
_SECTIONS = frozenset({"sec", "section"})
_BLOCKS = _names(
    """
    abstract trans-abstract sec section p div article aside header footer main
    blockquote disp-quote pre address hr list list-item li ul ol dl dt dd def-list
    def-item term def table thead tbody tfoot tr td th caption fig figure
    figcaption boxed-text statement verse-group verse-line
    """
)
_PARAGRAPH_BOUNDARIES = _BLOCKS | _BREAKS | _HEADINGS
# Elements whose content is never visible text: scripts, styles, embedded
# documents, and MathML annotations that repeat a formula as TeX.
_SKIP_CONTENT = _names(
    """
    script style template iframe frameset object applet noscript noembed
    noframes xmp head svg annotation annotation-xml alt-text
    """
)
# Everything else that really is markup. A tag-like run with no attributes and a
# name outside this list (`<Actinopterygii>`, `<paragraph>`) is text, not a tag.
_KNOWN_ELEMENTS = (
    frozenset(_INLINE)
    | _BREAKS
    | _HEADINGS
    | _BLOCKS
    | _SKIP_CONTENT
    | _names(
        """
        a abbr acronym area audio base basefont bdi bdo big blink body button
        canvas center cite code col colgroup data datalist del details dfn
        dialog dir embed fieldset font form frame html img input ins isindex kbd
        keygen label legend link map mark marquee menu meta meter nav nobr optgroup
        option output param picture plaintext progress q rb rp rt rtc ruby s
        samp search select slot small source span strike summary textarea time
        tt track u var video wbr math mi mo mn ms mtext mrow msub msup msubsup
        mfrac msqrt mroot mstyle mspace mpadded mphantom mfenced menclose
        mtable mtr mtd mover munder munderover mglyph malignmark merror
        semantics sc scp roman sans-serif monospace underline overline
        ext-link uri xref named-content styled-content inline-formula
        disp-formula tex-math inline-graphic graphic label fn email
        """
    )
)

_TAG = re.compile(
    r"<(?P<end>/?)(?P<name>[A-Za-z][^\s/<>\"'=]*+)"
    r"(?P<attrs>(?:\"[^\"]*+\"|'[^']*+'|[^\"'<>])*+)>"
)
_VALID_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*+(?:[:._-][A-Za-z0-9]++)*+")
_DOCTYPE_SUBSET_END = re.compile(r"\]\s*>")
# A tag with no closing ">" before the next "<" or the end of the input. HTML
# parsers would read it as a tag; we keep it as text unless it sets an attribute
# that only an attack needs, so "0<p and q=1" survives and "<img onerror=" does not.
_BROKEN_TAG = re.compile(r"<(?P<name>[A-Za-z][^\s/<>\"'=]*+)(?P<rest>[^<>]*+)")
_RISKY_ATTRIBUTE = re.compile(
    r"[\s/\"'](?:on[a-z]++|src|srcdoc|href|xlink:href|style|action|formaction"
    r"|(?:data-)?hx-[\w:-]*+)\s*+=",
    re.IGNORECASE,
)

_SPACE = "[ \t\n\r\f\v]"
_WHITESPACE = re.compile(f"{_SPACE}+")
_BLANK_LINE = re.compile("\n[ \t\r\f\v]*+\n")
# Pretty-printed JATS puts a newline between `</italic>` and the comma after it.
# The lookbehind starts each attempt at the beginning of a whitespace run only,
# which keeps a megabyte of newlines from costing quadratic time.
_NEWLINE_BEFORE_PUNCTUATION = re.compile(
    f"(?<!{_SPACE})[ \t\r\f\v]*+\n{_SPACE}*+(?=[,.;:)\\]])"
)
_CLOSING_PUNCTUATION = frozenset(",.;:)]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ENTITY = re.compile(
    r"&(?:#[0-9]++;|#[xX][0-9a-fA-F]++;|[A-Za-z][A-Za-z0-9]*+;"
    r"|(?i:amp|lt|gt|quot)(?![A-Za-z0-9]))"
)
_BASIC_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}

# Headings that sources glue onto the start of an abstract: "Abstract: We…",
# OpenAlex's "Abstract The central…" and "AbstractA survey…". The exceptions are
# terms in which "Abstract" or "Summary" is the first word of the content itself.
_HEADING_PREFIX = re.compile(
    r"(?i:abstract|summary)(?:\s*[:.]|\s*[\u2013\u2014]|\s+-)\s*"
    r"|(?:Abstract|Summary)(?=[A-Z])"
    r"|(?:ABSTRACT|SUMMARY)(?=[A-Z][a-z])"
    r"|(?:Abstract|ABSTRACT|Summary|SUMMARY)\s++"
    r"(?!(?:Meaning|Syntax|Interpretation|Argumentation|Algebra|Data|State|"
    r"Machines?|Reasoning|Art|Expressionism|Domains?|Objects?|Types?|Concepts?|"
    r"Thinking|Painting|Statistics?|Judge?ments?|Measures?)\b)(?=[A-Z0-9])"
)
_HEADING_ONLY = re.compile(
    r"(?i:(?:graphical\s+|structured\s+)?(?:abstract|summary))\s*[:.]?"
)

# Real markup nests a few levels deep; the cap keeps hostile input that opens
# thousands of tags from making every later close and break expensive.
_MAX_NESTING = 32
# nh3 takes time quadratic in the number of "&" and no-break spaces in one text
# node (800,000 "&" take seconds), so long text reaches it cut into nodes.
_NH3_TEXT_NODE = 2000

# A token is ("text", raw text), ("start", tag name) or ("end", tag name).
Token = tuple[str, str]


def abstract_from_inverted_index(index: dict[str, list[int]] | None) -> str | None:
    """Rebuild the raw abstract text from OpenAlex's `abstract_inverted_index`.

    Every position of every word is used, in order, so repeated words stay where
    they were; gaps in the positions are skipped and a position claimed twice
    keeps the first word. The keys are joined as they are: pass the result to
    `clean_abstract`, which decodes their entities and tags.
    """
    if not index or not isinstance(index, dict):
        return None

    words: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            continue
        for position in positions:
            # bool is an int subclass, and JSON true is not a position.
            if type(position) is int and position >= 0:
                words.setdefault(position, word)

    text = _clean_characters(" ".join(words[p] for p in sorted(words)))

    return text if text.strip() else None


def clean_title(raw: str | None) -> str | None:
    """Return a title as safe HTML on one line, or None if it has no text.

    Keeps italics, bold, sub- and superscripts (JATS and HTML spellings alike),
    drops every other tag but keeps its text, decodes entities once more than
    the markup itself needs (undoing `&amp;amp;`) and escapes the text once.
    """
    if raw is None:
        return None

    paragraphs = _Builder(raw, block_mode=False).paragraphs()
    if not paragraphs:
        return None

    return _sanitise(_serialise(paragraphs[0]), TITLE_TAGS) or None


def clean_abstract(raw: str | None) -> str | None:
    """Return an abstract as safe HTML paragraphs, or None if it has no text.

    Reads plain text, HTML and JATS alike: paragraphs (`<p>`, `<jats:p>`, `<br>`,
    blank lines) become `<p>` elements, section titles become bold paragraphs,
    a leading "Abstract" heading is dropped, and entities are decoded once more
    than the markup itself needs, so `&amp;gt;` shows as ">" and `&lt;x&gt;` as
    the text "<x>".
    """
    if raw is None:
        return None

    paragraphs = _drop_leading_heading(_Builder(raw, block_mode=True).paragraphs())
    serialised = "".join(f"<p>{_serialise(paragraph)}</p>" for paragraph in paragraphs)

    return _sanitise(serialised, ABSTRACT_TAGS) or None


def plain_text(html_text: str | None) -> str:
    """Return the visible text of a stored title or abstract.

    Tags are removed, entities decoded once and paragraphs joined by a blank
    line, so `<p>a &amp; b</p><p>c</p>` reads "a & b\\n\\nc".
    """
    if not html_text:
        return ""

    paragraphs: list[str] = []
    current: list[str] = []
    for kind, value in _tokens(_clean_characters(html_text)):
        if kind == "text":
            current.append(html.unescape(value))
        elif _local_name(value) in _PARAGRAPH_BOUNDARIES:
            paragraphs.append("".join(current))
            current = []
    paragraphs.append("".join(current))

    texts = (_WHITESPACE.sub(" ", _clean_characters(p)).strip() for p in paragraphs)
    return "\n\n".join(text for text in texts if text)


class _Builder:
    """Turn tokens into paragraphs of text and allowed inline tags.

    Each paragraph is a list of `(kind, value)` pieces: `("text", "...")`,
    `("open", "i")` or `("close", "i")`. In `block_mode` (abstracts) block
    elements, `<br>` and blank lines start new paragraphs; otherwise (titles)
    they are just whitespace.
    """

    def __init__(self, raw: str, *, block_mode: bool) -> None:
        self.raw = raw
        self.block_mode = block_mode
        self.finished: list[list[tuple[str, str]]] = []
        self.current: list[tuple[str, str]] = []
        # Open inline elements, innermost last. Only the outermost of each tag
        # is written out, so <b> inside a bold heading doesn't nest twice.
        self.stack: list[str] = []
        self.pending_space = ""
        self.ends_with_space = False
        self.paragraph_has_text = False
        self.has_text = False
        self.section_depth = 0
        self.heading_depth = 0
        self.heading_is_leading = False

    def paragraphs(self) -> list[list[tuple[str, str]]]:
        for kind, value in _tokens(_clean_characters(self.raw)):
            if kind == "text":
                self._text(value)
            elif kind == "start":
                self._start(value)
            else:
                self._end(value)
        self._break()

        return [_drop_empty_elements(p) for p in self.finished if _has_text(p)]

    def _text(self, raw_text: str) -> None:
        text = _decode(raw_text)
        if not self.block_mode:
            self._append(text)
            return

        for number, part in enumerate(_BLANK_LINE.split(text)):
            if number:
                self._break()
            self._append(part)

    def _append(self, text: str) -> None:
        text = _NEWLINE_BEFORE_PUNCTUATION.sub("", text)
        stripped = text.lstrip(" \t\n\r\f\v")
        if stripped != text:
            self._want_space(text[: len(text) - len(stripped)])
        if not stripped:
            return

        body = stripped.rstrip(" \t\n\r\f\v")
        glued = self.pending_space == "\n" and body[0] in _CLOSING_PUNCTUATION
        if self.pending_space and not glued:
            self._write_space()
        self.pending_space = ""
        self.current.append(("text", _WHITESPACE.sub(" ", body)))
        self.ends_with_space = False
        self.paragraph_has_text = self.has_text = True
        if body != stripped:
            self._want_space(stripped[len(body) :])

    def _want_space(self, whitespace: str) -> None:
        # A space already written before an opening tag ("the <i> G") counts.
        if self.ends_with_space:
            return
        if "\n" in whitespace or self.pending_space == "\n":
            self.pending_space = "\n"
        else:
            self.pending_space = " "

    def _write_space(self) -> None:
        if self.paragraph_has_text and not self.ends_with_space:
            self.current.append(("text", " "))
            self.ends_with_space = True
        self.pending_space = ""

    def _start(self, name: str) -> None:
        local = _local_name(name)

        if local in _HEADINGS and self.block_mode:
            self._break()
            if self.heading_depth == 0:
                self.heading_is_leading = not self.has_text and not self.section_depth
                self._open("b")
            self.heading_depth += 1
        elif local in _SECTIONS:
            self.section_depth += 1
            self._block()
        elif local in _BLOCKS or local in _BREAKS or local in _HEADINGS:
            self._block()
        elif tag := _INLINE.get(local):
            self._open(tag)

    def _end(self, name: str) -> None:
        local = _local_name(name)

        if local in _HEADINGS and self.block_mode and self.heading_depth:
            self.heading_depth -= 1
            if self.heading_depth == 0:
                self._close("b")
                # A title before any text and outside any section is the
                # abstract's own heading ("Abstract"), not a section heading.
                if self.heading_is_leading and local == "title":
                    self.current = [("open", tag) for tag in self._written()]
                    self.paragraph_has_text = False
                self._break()
        elif local in _SECTIONS:
            self.section_depth = max(0, self.section_depth - 1)
            self._block()
        elif local in _BLOCKS or local in _HEADINGS:
            self._block()
        elif tag := _INLINE.get(local):
            self._close(tag)

    def _open(self, tag: str) -> None:
        if len(self.stack) >= _MAX_NESTING:
            return
        if tag not in self.stack:
            if self.pending_space:
                self._write_space()
            self.current.append(("open", tag))
        self.stack.append(tag)

    def _close(self, tag: str) -> None:
        if tag not in self.stack:
            return
        index = len(self.stack) - 1 - self.stack[::-1].index(tag)

        # Close everything opened inside it too, then reopen those, so that
        # misnested markup such as <i><b>x</i>y</b> still comes out balanced.
        inner = self.stack[index + 1 :]
        for position in range(len(self.stack) - 1, index - 1, -1):
            open_tag = self.stack[position]
            if self.stack.index(open_tag) == position:
                self.current.append(("close", open_tag))
        del self.stack[index:]
        for open_tag in inner:
            self._open(open_tag)

    def _written(self) -> list[str]:
        """Return the tags actually written out, outermost first."""
        return list(dict.fromkeys(self.stack))

    def _block(self) -> None:
        if self.block_mode:
            self._break()
        else:
            self._want_space(" ")

    def _break(self) -> None:
        written = self._written()
        if self.paragraph_has_text:
            self.current.extend(("close", tag) for tag in reversed(written))
            self.finished.append(self.current)
        self.current = [("open", tag) for tag in written]
        self.pending_space = ""
        self.ends_with_space = False
        self.paragraph_has_text = False


def _tokens(source: str) -> Iterator[Token]:
    """Yield text, start and end tags as `(kind, value)` pairs.

    Adjacent text is yielded as one token, so that a run of stray `<` costs
    one decode instead of one per character.
    """
    text: list[str] = []
    for token in _scan(source):
        if token[0] == "text":
            text.append(token[1])
            continue
        if text:
            yield ("text", "".join(text))
            text = []
        yield token
    if text:
        yield ("text", "".join(text))


def _scan(source: str) -> Iterator[Token]:
    """Yield tokens in document order, text possibly split into several.

    Comments, processing instructions and declarations (DOCTYPE with its
    internal subset, ENTITY) are dropped unread; the content of script-like
    elements is skipped. Anything unterminated runs to the end of the input, so
    every character is looked at a bounded number of times.
    """
    position = 0
    length = len(source)
    # Unknown elements that were read as markup because they had attributes,
    # so that their end tags are markup as well.
    unknown_elements: set[str] = set()
    while position < length:
        bracket = source.find("<", position)
        if bracket == -1:
            yield ("text", source[position:])
            return
        if bracket > position:
            yield ("text", source[position:bracket])

        if source.startswith("<!--", bracket):
            position = _after(source, "-->", bracket + 4)
        elif source.startswith("<![CDATA[", bracket):
            end = source.find("]]>", bracket + 9)
            end = length if end == -1 else end
            # CDATA is how XML says "this is text", so its content is escaped
            # here rather than read as markup.
            yield ("text", html.escape(source[bracket + 9 : end], quote=False))
            position = min(end + 3, length)
        elif source.startswith("<!", bracket) or source.startswith("<?", bracket):
            position = _after_declaration(source, bracket)
        elif match := _TAG.match(source, bracket):
            position = match.end()
            name = match["name"]
            attributes = match["attrs"].strip(" \t\n\r\f/")
            if match["end"]:
                is_markup = _is_markup(name, name.lower() in unknown_elements)
            else:
                is_markup = _is_markup(name, bool(attributes))
                if is_markup and attributes:
                    unknown_elements.add(name.lower())
            if not is_markup:
                yield ("text", "&lt;")
                position = bracket + 1
            elif match["end"]:
                yield ("end", name)
            elif _local_name(name) in _SKIP_CONTENT:
                if not match["attrs"].rstrip().endswith("/"):
                    position = _after_element(source, name, position)
            else:
                yield ("start", name)
        elif (match := _BROKEN_TAG.match(source, bracket)) and _is_risky(match):
            position = match.end()
        else:
            yield ("text", "&lt;")
            position = bracket + 1


def _is_risky(match: re.Match[str]) -> bool:
    valid_name = _VALID_NAME.fullmatch(match["name"])
    return bool(valid_name and _RISKY_ATTRIBUTE.search(match["rest"]))


def _is_markup(name: str, has_attributes: bool) -> bool:
    if not _VALID_NAME.fullmatch(name):
        return False
    return has_attributes or ":" in name or name.lower() in _KNOWN_ELEMENTS


def _after(source: str, terminator: str, start: int) -> int:
    end = source.find(terminator, start)
    return len(source) if end == -1 else end + len(terminator)


def _after_declaration(source: str, start: int) -> int:
    close = source.find(">", start)
    subset = source.find("[", start)
    if subset != -1 and (close == -1 or subset < close):
        match = _DOCTYPE_SUBSET_END.search(source, subset)
        return len(source) if match is None else match.end()
    return len(source) if close == -1 else close + 1


def _after_element(source: str, name: str, start: int) -> int:
    end_tag = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE)
    match = end_tag.search(source, start)
    if match is None:
        return len(source)
    return _after(source, ">", match.start())


def _local_name(name: str) -> str:
    return name.rpartition(":")[2].lower()


def _clean_characters(text: str) -> str:
    # Postgres text cannot hold NUL, and lone surrogates cannot be encoded as
    # UTF-8 at all, so both would fail the whole import batch.
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def _decode(raw_text: str) -> str:
    """Decode a text node's entities at the markup level, then once more.

    The second pass undoes one level of double escaping (`&amp;gt;`) and the
    mis-cased `&Amp;` some publishers emit; a third level is left as it is.
    """
    text = html.unescape(raw_text)
    text = _ENTITY.sub(_decode_entity, text)
    # Some World Bank abstracts in OpenAlex end their lines with "&#13;\n"
    # spelled as a CR followed by a literal backslash and "n".
    text = text.replace("\r\\n", "\n")
    return _clean_characters(text)


def _decode_entity(match: re.Match[str]) -> str:
    entity = match.group()
    decoded = html.unescape(entity)
    if decoded != entity:
        return decoded
    return _BASIC_ENTITIES.get(entity[1:].rstrip(";").lower(), entity)


def _has_text(pieces: list[tuple[str, str]]) -> bool:
    return any(kind == "text" and value.strip() for kind, value in pieces)


def _drop_empty_elements(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for piece in pieces:
        kind, value = piece
        if kind == "close" and result and result[-1] == ("open", value):
            result.pop()
        elif kind == "close" and result[-2:] == [("open", value), ("text", " ")]:
            del result[-2:]
            result.append(("text", " "))
        else:
            result.append(piece)

    # A space that ended up at either edge would render as a stray gap.
    while result and result[0] == ("text", " "):
        result.pop(0)
    while result and result[-1] == ("text", " "):
        result.pop()

    return result


def _drop_leading_heading(
    paragraphs: list[list[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    """Remove an "Abstract" or "Summary" heading from the start of an abstract."""
    start = 0
    while start < len(paragraphs) and _HEADING_ONLY.fullmatch(
        _visible(paragraphs[start]).strip()
    ):
        start += 1
    if start == len(paragraphs):
        return []

    first, rest = paragraphs[start], paragraphs[start + 1 :]
    for _ in range(3):
        match = _HEADING_PREFIX.match(_visible(first))
        if match is None or match.end() >= len(_visible(first).rstrip()):
            break
        first = _drop_characters(first, match.end())

    return [_drop_empty_elements(first), *rest]


def _visible(pieces: list[tuple[str, str]]) -> str:
    return "".join(value for kind, value in pieces if kind == "text")


def _drop_characters(
    pieces: list[tuple[str, str]], count: int
) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    kept_text = False
    for kind, value in pieces:
        if kind == "text":
            taken = min(count, len(value))
            count -= taken
            value = value[taken:]
            if not kept_text:
                value = value.lstrip()
            if not value:
                continue
            kept_text = True
        result.append((kind, value))
    return result


def _serialise(pieces: list[tuple[str, str]]) -> str:
    parts = []
    for kind, value in pieces:
        if kind == "text":
            # Empty comments split long text into short nodes for nh3, which
            # strips them again (see _NH3_TEXT_NODE).
            size = _NH3_TEXT_NODE
            chunks = (value[i : i + size] for i in range(0, len(value), size))
            parts.append("<!---->".join(html.escape(c, quote=False) for c in chunks))
        elif kind == "open":
            parts.append(f"<{value}>")
        else:
            parts.append(f"</{value}>")
    return "".join(parts)


def _sanitise(html_text: str, tags: frozenset[str]) -> str:
    # Our serialiser only ever writes the allowed tags, without attributes; nh3
    # re-checks that with a real HTML parser in case this module has a bug.
    return nh3.clean(
        html_text,
        tags=set(tags),
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
