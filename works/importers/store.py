"""Write what hangs off a work: its byline, its topics, its other versions.

Each function takes a whole batch, reads the current rows in one query and
writes only the difference, so that re-importing unchanged input issues reads
and nothing else.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import F, Q

from profiles.models import Author
from profiles.names import fold_name
from works.importers.openalex_parse import TopicNode
from works.importers.rows import (
    WRITE_BATCH_SIZE,
    Upserted,
    bulk_update_changed,
    changed_values,
    upsert_rows,
)
from works.models import Authorship, Topic, Work, WorkTopic
from works.text import plain_text

_AuthorshipInstitution = Authorship.institutions.through


@dataclass(frozen=True)
class Byline:
    """One byline slot as it should be stored."""

    position: int
    author_id: int | None
    raw_author_name: str
    raw_affiliations: tuple[str, ...] = ()
    institution_ids: tuple[int, ...] = ()
    is_corresponding: bool = False


def upsert_topic_chains(chains: Iterable[list[TopicNode]]) -> Upserted[Topic]:
    """Create or update the topic tree nodes of `chains`, parents first."""
    levels: list[dict[str, TopicNode]] = [{}, {}, {}, {}]
    for chain in chains:
        for depth, node in enumerate(chain):
            levels[depth][node.openalex_id] = node

    topics: Upserted[Topic] = Upserted()
    for nodes in levels:
        rows = {
            openalex_id: {
                "name": node.name,
                "level": node.level,
                "parent_id": (
                    topics.rows[node.parent_openalex_id].pk
                    if node.parent_openalex_id
                    else None
                ),
            }
            for openalex_id, node in nodes.items()
        }
        level = upsert_rows(Topic, rows)
        topics.rows.update(level.rows)
        topics.outcomes.update(level.outcomes)

    return topics


def sync_bylines(
    bylines: dict[int, list[Byline]], *, partial: Collection[int] = ()
) -> set[int]:
    """Make each work's authorships match `bylines`; return the works that changed.

    Slots are matched by position, so an unchanged slot keeps its row and id.
    The works in `partial` have only the first slots of their byline given (an
    OpenAlex list page cuts it at 100): those slots are written, and the stored
    slots after them are kept rather than deleted.
    """
    current: dict[int, dict[int, Authorship]] = defaultdict(dict)
    for row in Authorship.objects.filter(work_id__in=list(bylines)):
        current[row.work_id][row.position] = row
    links: dict[int, list[int]] = defaultdict(list)
    rows = (
        _AuthorshipInstitution.objects.filter(authorship__work_id__in=list(bylines))
        .order_by("pk")
        .values_list("authorship_id", "institution_id")
    )
    for authorship_id, institution_id in rows:
        links[authorship_id].append(institution_id)

    changed_works: set[int] = set()
    to_create: list[Authorship] = []
    to_update: list[Authorship] = []
    changed_fields: set[str] = set()
    to_delete: list[int] = []
    unlink: list[int] = []
    relink: list[tuple[Authorship, tuple[int, ...]]] = []
    for work_id, wanted in bylines.items():
        have = current.pop(work_id, {})
        for byline in wanted:
            values = {
                "author_id": byline.author_id,
                "raw_author_name": byline.raw_author_name,
                "raw_affiliations": list(byline.raw_affiliations),
                "is_corresponding": byline.is_corresponding,
            }
            authorship = have.pop(byline.position) if byline.position in have else None
            if authorship is None:
                authorship = Authorship(
                    work_id=work_id, position=byline.position, **values
                )
                to_create.append(authorship)
                relink.append((authorship, byline.institution_ids))
                changed_works.add(work_id)
                continue
            if changed := changed_values(authorship, values):
                to_update.append(authorship)
                changed_fields.update(changed)
                changed_works.add(work_id)
            if tuple(links.get(authorship.pk, ())) != byline.institution_ids:
                unlink.append(authorship.pk)
                relink.append((authorship, byline.institution_ids))
                changed_works.add(work_id)
        if have and work_id not in partial:
            to_delete.extend(authorship.pk for authorship in have.values())
            changed_works.add(work_id)

    if to_delete:
        Authorship.objects.filter(pk__in=to_delete).delete()
    if unlink:
        _AuthorshipInstitution.objects.filter(authorship_id__in=unlink).delete()
    bulk_update_changed(Authorship, to_update, changed_fields)
    Authorship.objects.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)
    _AuthorshipInstitution.objects.bulk_create(
        [
            _AuthorshipInstitution(authorship_id=authorship.pk, institution_id=pk)
            for authorship, institution_ids in relink
            for pk in institution_ids
        ],
        batch_size=WRITE_BATCH_SIZE,
    )

    return changed_works


def sync_work_topics(work_topics: dict[int, dict[int, float | None]]) -> set[int]:
    """Make each work's topics and scores match; return the works that changed."""
    current: dict[int, dict[int, WorkTopic]] = defaultdict(dict)
    for row in WorkTopic.objects.filter(work_id__in=list(work_topics)):
        current[row.work_id][row.topic_id] = row

    changed_works: set[int] = set()
    to_create: list[WorkTopic] = []
    to_update: list[WorkTopic] = []
    to_delete: list[int] = []
    for work_id, scores in work_topics.items():
        have = current.pop(work_id, {})
        for topic_id, score in scores.items():
            work_topic = have.pop(topic_id) if topic_id in have else None
            if work_topic is None:
                to_create.append(
                    WorkTopic(work_id=work_id, topic_id=topic_id, score=score)
                )
                changed_works.add(work_id)
            elif changed_values(work_topic, {"score": score}):
                to_update.append(work_topic)
                changed_works.add(work_id)
        if have:
            to_delete.extend(work_topic.pk for work_topic in have.values())
            changed_works.add(work_id)

    WorkTopic.objects.filter(pk__in=to_delete).delete()
    WorkTopic.objects.bulk_update(to_update, ["score"], batch_size=WRITE_BATCH_SIZE)
    WorkTopic.objects.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)

    return changed_works


def is_preprint_version(work: Work) -> bool:
    """Tell whether `work` is a preprint or a repository copy of a paper."""
    if work.type == Work.Type.PREPRINT:
        return True
    return work.venue is not None and work.venue.type == "repository"


def link_versions(work_ids: Iterable[int]) -> int:
    """Link the works among (and around) `work_ids` that are versions of one paper.

    Works are versions of one paper (DATA-FAULTS §13) when their folded titles
    are equal, they share at least one author record, and either

    - exactly one of them is a preprint or repository copy: the preprint points
      at the published work; or
    - neither is, and they have the same year, type and venue: two published
      copies, such as one article under two DOIs. The copy cited most often
      (the older row on a tie) is the canonical version, and the others point
      at it.

    A title alone never links: many books and chapters share a title. A link
    always points at the canonical version of its set, never at a work that
    points on, so that a set of versions is named by one work and counted once.
    Links are only added, never moved or removed, so that a curator's
    correction stays; a work that others already point at therefore stays the
    canonical version of its copies. Left alone are a preprint whose candidates
    are different papers or that other works point at, and copies that would
    join two sets of versions. Returns how many works were linked.
    """
    bylines = _author_sets(Q(work_id__in=list(work_ids)))
    author_ids = set().union(*bylines.values()) if bylines else set()
    if not author_ids:
        return 0
    # Every work sharing an author with the batch: the only possible partners.
    candidates = {
        work.pk: work
        for work in Work.objects.filter(authorships__author_id__in=author_ids)
        .select_related("venue")
        .only(
            "pk",
            "title",
            "type",
            "publication_year",
            "cited_by_count",
            "version_of_id",
            "venue__type",
        )
        .distinct()
    }
    bylines.update(
        _author_sets(Q(work_id__in=list(candidates.keys() - bylines.keys())))
    )
    # The canonical versions: works that other versions point at already.
    canonical = set(
        Work.objects.filter(version_of__in=list(candidates)).values_list(
            "version_of_id", flat=True
        )
    )
    by_title: dict[str, list[Work]] = defaultdict(list)
    for work in candidates.values():
        if folded := fold_name(plain_text(work.title or "")):
            by_title[folded].append(work)

    linked: list[Work] = []
    for works in by_title.values():
        if len(works) < 2:
            continue
        # Copies first, so that a preprint of the paper finds their canonical one.
        linked += _link_copies(works, bylines, candidates, canonical)
        linked += _link_preprints(works, bylines, candidates, canonical)
    bulk_update_changed(Work, linked, {"version_of"})

    return len(linked)


def _link_copies(
    works: list[Work],
    bylines: dict[int, set[int]],
    candidates: dict[int, Work],
    canonical: set[int],
) -> list[Work]:
    """Point the published copies among same-titled `works` at their canonical one."""
    copies: dict[tuple[int, str, int], list[Work]] = defaultdict(list)
    for work in works:
        if (
            not is_preprint_version(work)
            and work.publication_year is not None
            and work.venue_id is not None
        ):
            copies[(work.publication_year, work.type, work.venue_id)].append(work)

    linked: list[Work] = []
    for same in copies.values():
        for group in _sharing_authors(same, bylines):
            if len(group) < 2:
                continue
            sets = {
                _set_of(work, candidates)
                for work in group
                if work.version_of_id is not None or work.pk in canonical
            }
            if len(sets) > 1:
                # Which set the copies belong to is a curator's call.
                continue
            best = max(group, key=lambda work: (work.cited_by_count, -work.pk))
            target = sets.pop() if sets else best.pk
            for work in group:
                if work.version_of_id is None and work.pk != target:
                    work.version_of_id = target
                    linked.append(work)
            canonical.add(target)

    return linked


def _link_preprints(
    works: list[Work],
    bylines: dict[int, set[int]],
    candidates: dict[int, Work],
    canonical: set[int],
) -> list[Work]:
    """Point each preprint among same-titled `works` at its published version."""
    linked: list[Work] = []
    for preprint in works:
        # A preprint that others point at would start a chain.
        if (
            not is_preprint_version(preprint)
            or preprint.version_of_id is not None
            or preprint.pk in canonical
        ):
            continue
        authors = bylines.get(preprint.pk, set())
        published = {
            _set_of(work, candidates)
            for work in works
            if not is_preprint_version(work) and bylines.get(work.pk, set()) & authors
        }
        if len(published) == 1 and (target := published.pop()) != preprint.pk:
            preprint.version_of_id = target
            canonical.add(target)
            linked.append(preprint)

    return linked


def _set_of(work: Work, candidates: dict[int, Work]) -> int:
    """Return the pk of the work that names the set of versions `work` is in."""
    seen = {work.pk}
    while work.version_of_id is not None:
        target = candidates.get(work.version_of_id)
        if target is None or target.pk in seen:
            return work.version_of_id
        seen.add(target.pk)
        work = target
    return work.pk


def _sharing_authors(
    works: list[Work], bylines: dict[int, set[int]]
) -> list[list[Work]]:
    """Group `works` that share an author record, directly or through each other."""
    groups: list[tuple[set[int], list[Work]]] = []
    for work in works:
        authors = set(bylines.get(work.pk, set()))
        members = [work]
        joined = [group for group in groups if group[0] & authors]
        for group in joined:
            groups.remove(group)
            authors |= group[0]
            members = group[1] + members
        groups.append((authors, members))

    return [members for _, members in groups]


def fill_last_known_institutions(author_ids: Iterable[int]) -> None:
    """Give authors without a known institution the one of their newest byline.

    The author entity's own `last_known_institutions` is better evidence and is
    never overwritten here; this only fills the gap, so that "affiliation not
    imported" shows only when no byline names an institution either.
    """
    missing = list(
        Author.objects.filter(
            pk__in=list(author_ids), last_known_institution__isnull=True
        ).values_list("pk", flat=True)
    )
    if not missing:
        return
    rows = (
        _AuthorshipInstitution.objects.filter(authorship__author_id__in=missing)
        .order_by(
            "authorship__author_id",
            F("authorship__work__publication_year").desc(nulls_last=True),
            F("authorship__work__published_on").desc(nulls_last=True),
            "-authorship__work_id",
            "pk",
        )
        .values_list("authorship__author_id", "institution_id")
    )
    newest: dict[int, int] = {}
    for author_id, institution_id in rows:
        newest.setdefault(author_id, institution_id)

    authors = [
        Author(pk=author_id, last_known_institution_id=institution_id)
        for author_id, institution_id in newest.items()
    ]
    bulk_update_changed(Author, authors, {"last_known_institution"})


def _author_sets(condition: Q) -> dict[int, set[int]]:
    sets: dict[int, set[int]] = defaultdict(set)
    rows = Authorship.objects.filter(condition, author__isnull=False).values_list(
        "work_id", "author_id"
    )
    for work_id, author_id in rows:
        sets[work_id].add(author_id)
    return sets
