import pytest

from profiles import trust
from profiles.models import Author
from tests.profiles.factories import AuthorFactory, FollowFactory
from tests.works.factories import AuthorshipFactory, InstitutionFactory, WorkFactory

pytestmark = pytest.mark.django_db


def _snapshot(author):
    return trust.trust_snapshot(Author.objects.with_counts(author.pk).get())


def test_scores_a_bare_byline_record_zero_at_l0():
    snapshot = _snapshot(AuthorFactory())

    assert (snapshot.score, snapshot.band) == (0, "Emerging")
    assert snapshot.level == trust.VerificationLevel.L0
    assert snapshot.claim_state.label == "Unclaimed author"


def test_gives_l1_and_twenty_points_for_an_orcid():
    snapshot = _snapshot(AuthorFactory(with_orcid=True))

    assert snapshot.level == trust.VerificationLevel.L1
    assert snapshot.score == 20


def test_scores_the_seed_profile_shape():
    author = AuthorFactory()
    circle = AuthorFactory.create_batch(4)
    for n in range(6):
        work = WorkFactory(arxiv_id=f"2204.0714{n}", openalex_id=None)
        AuthorshipFactory(work=work, author=author, position=1)
        for position, coauthor in enumerate(circle, start=2):
            AuthorshipFactory(work=work, author=coauthor, position=position)

    snapshot = _snapshot(author)

    points = {component.key: component.points for component in snapshot.components}
    sources = {component.key: component.source for component in snapshot.components}
    assert points["identified_works"] == 12
    assert points["collaborators"] == 8
    assert (snapshot.score, snapshot.band) == (20, "Emerging")
    assert sources["identified_works"] == "6 works with a DOI, arXiv id or OpenAlex id"
    assert sources["collaborators"] == "4 co-authors sharing at least three works"
    assert sources["followers"] == "0 followers"


def test_names_one_of_each_in_the_singular():
    author = AuthorFactory()
    AuthorshipFactory(author=author, position=1)
    FollowFactory(author=author)

    sources = {item.key: item.source for item in _snapshot(author).components}

    assert sources["identified_works"] == "1 work with a DOI, arXiv id or OpenAlex id"
    assert sources["followers"] == "1 follower"


def test_caps_each_component():
    author = AuthorFactory(with_orcid=True, last_known_institution=InstitutionFactory())
    for _ in range(15):
        AuthorshipFactory(author=author, position=1)
    FollowFactory.create_batch(9, author=author)

    snapshot = _snapshot(author)

    for component in snapshot.components:
        assert 0 <= component.points <= component.max_points
    assert sum(component.max_points for component in snapshot.components) == 100
    assert snapshot.score == 20 + 20 + 5 + 5
    assert snapshot.band == "Strong"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "Emerging"),
        (24, "Emerging"),
        (25, "Established"),
        (49, "Established"),
        (50, "Strong"),
        (74, "Strong"),
        (75, "Highly corroborated"),
        (100, "Highly corroborated"),
    ],
)
def test_names_the_band_of_a_score(score, band):
    component = trust.Component("x", "x", score, 100, "x")
    snapshot = trust.TrustSnapshot(
        [component], trust.VerificationLevel.L0, trust.ClaimState.UNCLAIMED
    )

    assert snapshot.band == band
