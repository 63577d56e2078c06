"""Normalise external identifiers before they meet a unique constraint.

Every source spells the same identifier several ways (`https://doi.org/10.1000/ABC`,
`doi:10.1000/abc`, `10.1000/abc`), and a unique constraint only deduplicates what is
spelled alike. Each function here returns the one canonical spelling we store, or
None when the value is not an identifier of that kind at all, so that importers
store NULL (and log the raw value) rather than a near-miss that would never match.
"""

import re
from urllib.parse import unquote

# OpenAlex entity ids: the letter says what kind of entity it is, and the
# URL path segment, when present, must agree with it.
_OPENALEX_PATHS = {
    "works": "W",
    "authors": "A",
    "institutions": "I",
    "sources": "S",
    "topics": "T",
    "publishers": "P",
    "funders": "F",
    "concepts": "C",
}
_OPENALEX_HOST = re.compile(r"^(?:https?://)?(?:api\.)?openalex\.org/", re.IGNORECASE)
# Twenty digits is twice what any OpenAlex id has, and keeps every id within
# the 32 characters its columns hold.
_OPENALEX_ENTITY = re.compile(
    r"^(?:(?P<path>[a-z]+)/)?(?P<letter>[WAISTPFC])(?P<number>\d{1,20})$",
    re.IGNORECASE | re.ASCII,
)
_OPENALEX_TOPIC_TREE = re.compile(
    r"^(?P<level>subfields|fields|domains)/(?P<number>\d{1,20})$",
    re.IGNORECASE | re.ASCII,
)

_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE
)
# A DOI is "10." + a registrant code of dotted digit groups + "/" + a suffix
# with no whitespace; the suffix may hold almost any other character.
_DOI = re.compile(r"^10\.\d+(?:\.\d+)*/\S+$")

_ARXIV_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"|(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\."
    r"|arxiv:)",
    re.IGNORECASE,
)
_ARXIV_NEW = re.compile(r"^(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(
    r"^(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[a-z]+(?:-[a-z]+)?)?"
    r"/(?P<yymm>\d{4})(?P<number>\d{3})(?:v\d+)?$",
    re.IGNORECASE,
)
# Archives that issued identifiers in the pre-2007 archive/YYMMNNN scheme.
_ARXIV_OLD_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph",
        "bayes-an", "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat",
        "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
        "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
        "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
        "solv-int", "supr-con",
    }
)  # fmt: skip

_ORCID_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?orcid\.org/|orcid:)", re.IGNORECASE
)
_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")

_ROR_PREFIX = re.compile(
    r"^(?:https?://)?(?:(?:www\.)?ror\.org/|api\.ror\.org/(?:v\d+/)?organizations/)",
    re.IGNORECASE,
)
# Crockford base32 without i, l, o and u, so ids never contain look-alikes.
_ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}\d{2}$")


def normalise_openalex_id(value: str | None) -> str | None:
    """Return `W123`-style ids, or `subfields/2718` for the topic tree, else None.

    Accepts the bare id, the canonical `https://openalex.org/W123` URL and the
    API form `https://api.openalex.org/works/W123`; the path segment, if any,
    must name the same kind of entity as the letter.
    """
    if not value:
        return None

    text = _OPENALEX_HOST.sub("", value.strip()).strip("/")

    if match := _OPENALEX_TOPIC_TREE.match(text):
        return f"{match['level'].lower()}/{match['number']}"

    match = _OPENALEX_ENTITY.match(text)
    if match is None:
        return None
    letter = match["letter"].upper()
    if match["path"] and _OPENALEX_PATHS.get(match["path"].lower()) != letter:
        return None

    return f"{letter}{match['number']}"


def normalise_doi(value: str | None) -> str | None:
    """Return the lower-cased bare DOI (`10.1000/abc`), or None if it is not one.

    DOIs are case-insensitive by definition, so lower-casing is what makes
    `10.1000/ABC` and `10.1000/abc` meet the same unique constraint.
    """
    if not value:
        return None

    text = value.strip()
    without_prefix = _DOI_PREFIX.sub("", text, count=1).strip()
    # Resolver URLs percent-encode the suffix ("10.1002/%28SICI%29..."); the
    # bare and "doi:" forms are taken literally because "%" can occur in a DOI.
    if without_prefix != text and "://" in text:
        without_prefix = unquote(without_prefix)

    doi = without_prefix.lower()
    if not _DOI.match(doi):
        return None

    return doi


def normalise_arxiv_id(value: str | None) -> str | None:
    """Return the versionless arXiv id (`2104.14294`, `math/0601001`), or None.

    Accepts `arXiv:` prefixes, abs and pdf URLs, the DataCite DOI
    `10.48550/arXiv.2104.14294`, a version suffix and a trailing `[cs.CV]`
    category as citations print it. Old-style ids drop their subject class
    (`math.GT/0309136` is `math/0309136`), as arXiv itself resolves them.
    """
    if not value:
        return None

    text = re.sub(r"\s*\[[^\]]*\]$", "", value.strip())
    text = _ARXIV_PREFIX.sub("", text, count=1).strip()
    text = text.removesuffix(".pdf").rstrip("/")

    if match := _ARXIV_NEW.match(text):
        yymm, number = match["yymm"], match["number"]
        # Sequence numbers grew from four to five digits in January 2015.
        expected_digits = 5 if int(yymm[:2]) >= 15 else 4
        # New-style ids began in April 2007.
        too_early = int(yymm) < 704
        if too_early or not _is_month(yymm) or len(number) != expected_digits:
            return None
        return f"{yymm}.{number}"

    if match := _ARXIV_OLD.match(text):
        archive = match["archive"].lower()
        if archive not in _ARXIV_OLD_ARCHIVES or not _is_month(match["yymm"]):
            return None
        return f"{archive}/{match['yymm']}{match['number']}"

    return None


def normalise_orcid(value: str | None) -> str | None:
    """Return `0000-0002-1825-0097`-style iDs whose check digit is right, else None.

    Strips the orcid.org URL (http or https) and whitespace, upper-cases the
    `x` check digit and re-inserts missing hyphens, then validates with
    ISO 7064 MOD 11-2. A base of all zeros is a placeholder, never a person.
    """
    if not value:
        return None

    text = _ORCID_PREFIX.sub("", value.strip(), count=1)
    text = re.sub(r"\s+", "", text).upper()

    match = _ORCID.match(text)
    if match is None:
        return None
    digits = "".join(match.groups())
    if digits[:15] == "0" * 15 or _orcid_check_digit(digits[:15]) != digits[15]:
        return None

    return "-".join(match.groups())


def normalise_ror_id(value: str | None) -> str | None:
    """Return the bare lower-case ROR id (`02nr0ka47`), or None.

    The last two digits are an ISO 7064 MOD 97-10 checksum, so a mistyped id is
    rejected instead of becoming a second institution.
    """
    if not value:
        return None

    text = _ROR_PREFIX.sub("", value.strip(), count=1).strip("/").lower()
    if not _ROR.match(text) or _ror_checksum(text[1:7]) != text[7:]:
        return None

    return text


def _is_month(yymm: str) -> bool:
    return 1 <= int(yymm[2:]) <= 12


def _orcid_check_digit(base: str) -> str:
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def _ror_checksum(body: str) -> str:
    number = 0
    for character in body:
        number = number * 32 + _ROR_ALPHABET.index(character)
    return f"{98 - (number * 100) % 97:02d}"
