"""How people's names are folded for matching, search and URLs.

Names are stored exactly as the source gives them. Matching works on a folded
form: LaTeX accents decoded, compatibility characters decomposed, diacritics and
case dropped, every kind of hyphen or dash made one, so that "Zoë Ñandú‐Okafor",
"Zoe Nandu-Okafor" and `Zo\\"{e} Nandu-Okafor` fold alike.
"""

import re
import unicodedata

from django.utils.text import slugify
from pylatexenc.latex2text import LatexNodes2Text

# Letters that NFKD does not decompose into a base letter and a mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad\ufe63\uff0d-]+")
_NOT_WORD = re.compile(r"[^\w]+")
_LATEX = re.compile(r"[\\{}$]")
_latex_to_text = LatexNodes2Text(math_mode="verbatim")


def decode_latex(text: str) -> str:
    """Turn LaTeX accents and braces in a name into Unicode (`Bal\\'azs` → Balázs).

    Text that pylatexenc cannot decode is returned as it was written.
    """
    if not _LATEX.search(text):
        return text
    try:
        return _latex_to_text.latex_to_text(text).strip()
    except Exception:
        # pylatexenc 2.11 raises IndexError, KeyError or RecursionError on some
        # input (macros such as \href, \sqrt and \verb, a long run of "{"); a
        # name or title is then better kept as written than lost.
        return text


def fold_name(name: str) -> str:
    """Fold `name` into lower-case ASCII-ish words joined by single spaces."""
    text = decode_latex(name).translate(_SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DASHES.sub("-", text.casefold())
    words = (_NOT_WORD.sub(" ", word).strip() for word in text.split("-"))
    return " ".join(" ".join(words).split())


def slug_for_name(name: str) -> str:
    """Build the URL slug of an author page from their display name."""
    text = decode_latex(name).translate(_SPECIAL_LETTERS)
    text = _DASHES.sub("-", unicodedata.normalize("NFKD", text))
    slug = slugify(text) or slugify(text, allow_unicode=True)
    return slug[:200] or "author"
