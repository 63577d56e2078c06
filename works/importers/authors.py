"""Write author records: by OpenAlex id for OpenAlex input, by folded name for BibTeX.

An OpenAlex author is one row per OpenAlex id, never matched by name (two ids
are two rows, DATA-FAULTS §14). Names only accumulate: a byline spelling that
differs from the display name joins `alternative_names`, so that search finds
the page under either. Only the author entity itself may rename an author;
works that mention them add spellings, which keeps repeated imports stable
whatever order the works come in.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from profiles.models import Author
from profiles.names import fold_name, slug_for_name
from works.importers.common import Outcome
from works.importers.openalex_parse import AuthorData
from works.importers.rows import WRITE_BATCH_SIZE, bulk_update_changed, changed_values


@dataclass
class AuthorsWritten:
    rows: dict[str, Author] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def search_name_for(display_name: str, alternative_names: Iterable[str]) -> str:
    """Fold the display name and each other spelling, once each, into one string."""
    folded: list[str] = []
    for name in (display_name, *alternative_names):
        form = fold_name(name)
        if form and form not in folded:
            folded.append(form)
    return " ".join(folded)


def upsert_openalex_authors(
    authors: Iterable[AuthorData],
    *,
    authoritative: bool,
    institution_pks: dict[str, int] | None = None,
    warn: Callable[[str, str], None],
) -> AuthorsWritten:
    """Create or update the authors of `authors`, keyed by their OpenAlex id.

    `authoritative` is for author entities: their display name replaces ours
    and their last known institution (resolved through `institution_pks`) is
    set. `warn(openalex_id, message)` hears about ORCIDs left out because
    another author holds them.
    """
    merged = _merge(authors)
    written = AuthorsWritten()
    if not merged:
        return written
    existing = Author.objects.in_bulk(list(merged), field_name="openalex_id")
    orcids = {data.orcid for data in merged.values() if data.orcid}
    holders = {
        author.orcid: author for author in Author.objects.filter(orcid__in=orcids)
    }

    to_create: list[Author] = []
    to_update: list[Author] = []
    changed_fields: set[str] = set()
    for openalex_id, data in merged.items():
        author = existing.get(openalex_id)
        if (
            author is None
            and data.orcid in holders
            and not holders[data.orcid].openalex_id
        ):
            # A record made from its ORCID alone (a claim) is this person.
            author = holders[data.orcid]
        is_new = author is None
        if author is None:
            author = Author(openalex_id=openalex_id, display_name=data.display_name)

        values = _author_values(
            author, data, is_new=is_new, authoritative=authoritative
        )
        if data.orcid and data.orcid != author.orcid:
            holder = holders.get(data.orcid)
            if holder is not None and not _same_row(holder, author):
                owner = holder.openalex_id or f"author {holder.pk}"
                warn(
                    openalex_id,
                    f"ORCID {data.orcid} already belongs to {owner}; left out",
                )
            else:
                values["orcid"] = data.orcid
                holders[data.orcid] = author
        lki = data.last_known_institution
        if (
            authoritative
            and lki
            and institution_pks
            and lki.openalex_id in institution_pks
        ):
            values["last_known_institution_id"] = institution_pks[lki.openalex_id]

        changed = changed_values(author, values)
        if is_new:
            to_create.append(author)
            written.outcomes[openalex_id] = Outcome.CREATED
        else:
            if changed:
                to_update.append(author)
                changed_fields.update(changed)
            written.outcomes[openalex_id] = (
                Outcome.UPDATED if changed else Outcome.UNCHANGED
            )
        written.rows[openalex_id] = author

    Author.objects.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)
    bulk_update_changed(Author, to_update, changed_fields)

    return written


def find_or_create_named_authors(names: Iterable[str]) -> dict[str, Author]:
    """Return an author for each name, keyed by its folded form.

    Used for BibTeX, whose bylines carry names only. A name matches an author
    this importer made before: one with neither an OpenAlex id nor an ORCID,
    whose display name folds alike. Authors known by an id are never matched by
    name. Otherwise a new author is created.
    """
    wanted: dict[str, str] = {}
    for name in names:
        folded = fold_name(name)
        if folded:
            wanted.setdefault(folded, name)
    if not wanted:
        return {}

    # search_name starts with the folded display name; the trigram index
    # serves these prefix matches.
    prefixes = Q()
    for folded in wanted:
        prefixes |= Q(search_name__startswith=folded)
    candidates = Author.objects.filter(
        prefixes, openalex_id__isnull=True, orcid__isnull=True
    ).order_by("pk")
    found: dict[str, Author] = {}
    for author in candidates:
        folded = fold_name(author.display_name)
        if folded in wanted:
            found.setdefault(folded, author)

    new = [
        Author(
            display_name=name,
            search_name=search_name_for(name, []),
            slug=slug_for_name(name),
        )
        for folded, name in wanted.items()
        if folded not in found
    ]
    Author.objects.bulk_create(new, batch_size=WRITE_BATCH_SIZE)
    for author in new:
        found[fold_name(author.display_name)] = author

    return found


def _same_row(one: Author, other: Author) -> bool:
    return one is other or (one.pk is not None and one.pk == other.pk)


def _merge(authors: Iterable[AuthorData]) -> dict[str, AuthorData]:
    """Combine mentions of one author in a batch: first name, every spelling."""
    merged: dict[str, AuthorData] = {}
    for data in authors:
        seen = merged.get(data.openalex_id)
        if seen is None:
            merged[data.openalex_id] = AuthorData(
                openalex_id=data.openalex_id,
                display_name=data.display_name,
                orcid=data.orcid,
                invalid_orcid=data.invalid_orcid,
                alternative_names=list(data.alternative_names),
                last_known_institution=data.last_known_institution,
            )
            continue
        for name in (data.display_name, *data.alternative_names):
            if name != seen.display_name and name not in seen.alternative_names:
                seen.alternative_names.append(name)
        seen.orcid = seen.orcid or data.orcid
    return merged


def _author_values(
    author: Author, data: AuthorData, *, is_new: bool, authoritative: bool
) -> dict[str, object]:
    display_name = author.display_name
    spellings = list(data.alternative_names)
    if authoritative and data.display_name != display_name:
        if not is_new:
            spellings.insert(0, display_name)
        display_name = data.display_name
    elif data.display_name != display_name:
        spellings.insert(0, data.display_name)

    alternatives = [name for name in author.alternative_names if name != display_name]
    for name in spellings:
        if name and name != display_name and name not in alternatives:
            alternatives.append(name)

    return {
        "openalex_id": data.openalex_id,
        "display_name": display_name,
        "alternative_names": alternatives,
        "search_name": search_name_for(display_name, alternatives),
        "slug": slug_for_name(display_name),
    }
