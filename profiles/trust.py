"""The trust snapshot: how far a public author record can be relied on.

The score is a sum of published components, each worth at most `max_points`,
so that a reader can see what it rests on; docs/trust.md explains each one. The
verification level says how the person behind the record has been identified.
"""

from dataclasses import dataclass

from django.db import models
from django.template.defaultfilters import pluralize

from profiles.models import Author


class VerificationLevel(models.IntegerChoices):
    L0 = 0, "Record built from bylines only"
    L1 = 1, "Persistent identifier in the source data"
    L2 = 2, "Owner proved control of an identity"
    L3 = 3, "Owner verified and independently corroborated"


class ClaimState(models.TextChoices):
    UNCLAIMED = "unclaimed", "Unclaimed author"


# Score bands, as (lowest score, name), highest first.
BANDS = [
    (75, "Highly corroborated"),
    (50, "Strong"),
    (25, "Established"),
    (0, "Emerging"),
]


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    points: int
    max_points: int
    source: str


@dataclass(frozen=True)
class TrustSnapshot:
    components: list[Component]
    level: VerificationLevel
    claim_state: ClaimState

    @property
    def score(self) -> int:
        return sum(component.points for component in self.components)

    @property
    def band(self) -> str:
        return next(name for floor, name in BANDS if self.score >= floor)


def _capped(count: int, each: int, cap: int) -> int:
    return min(count * each, cap)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{pluralize(count)}"


def trust_snapshot(author: Author) -> TrustSnapshot:
    """Score `author`, which must carry the annotations of `with_counts()`."""
    level = VerificationLevel.L1 if author.orcid else VerificationLevel.L0
    identified = author.identified_works_count
    collaborators = author.close_collaborators_count
    followers = author.followers_count
    components = [
        Component(
            "orcid",
            "ORCID iD in the source record",
            20 if author.orcid else 0,
            20,
            f"ORCID {author.orcid}" if author.orcid else "No ORCID iD on record",
        ),
        Component(
            "identity_proof",
            "Owner proved control of an identity",
            0,
            25,
            "Nobody has claimed this record yet",
        ),
        Component(
            "corroboration",
            "Second signal or curator review",
            0,
            15,
            "No independent corroboration recorded",
        ),
        Component(
            "identified_works",
            "Works with a persistent identifier",
            _capped(identified, 2, 20),
            20,
            f"{_counted(identified, 'work')} with a DOI, arXiv id or OpenAlex id",
        ),
        Component(
            "collaborators",
            "Close collaborators",
            _capped(collaborators, 2, 10),
            10,
            f"{_counted(collaborators, 'co-author')} sharing at least three works",
        ),
        Component(
            "affiliation",
            "Known affiliation",
            5 if author.last_known_institution_id else 0,
            5,
            str(author.last_known_institution or "No institution imported"),
        ),
        Component(
            "followers",
            "Followers",
            _capped(followers, 1, 5),
            5,
            _counted(followers, "follower"),
        ),
    ]

    return TrustSnapshot(components, level, ClaimState.UNCLAIMED)
