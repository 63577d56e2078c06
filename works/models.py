"""The scholarly record: works, who wrote them, where, on what and where published.

Identifiers are stored normalised (see `works.identifiers`) so that the unique
constraints below hold across sources: an OpenAlex id without its URL, a DOI in
lower case without a resolver prefix, an arXiv id without version.
"""

from typing import Self

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from works.text import plain_text

# The text search configuration of title search, made by migration 0003: English
# stemming after unaccent, so that "Mexico" finds "México" and "eradication"
# finds "Eradications".
TITLE_SEARCH_CONFIG = "bzpeer_title"


class InstitutionQuerySet(models.QuerySet["Institution"]):
    pass


class Institution(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    ror_id = models.CharField(max_length=16, unique=True, null=True, blank=True)
    name = models.TextField()
    country_code = models.CharField(max_length=2, blank=True)
    type = models.CharField(max_length=64, blank=True)
    domains = ArrayField(models.TextField(), default=list, blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """Where a work appeared: a journal, a repository, a conference, a book series."""

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    name = models.TextField()
    type = models.CharField(max_length=64, blank=True)
    issn_l = models.CharField(max_length=9, blank=True)
    publisher = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Sources without an OpenAlex id (a BibTeX venue such as "arXiv") are
            # matched by name, so a name may stand once among them.
            models.UniqueConstraint(
                "name",
                condition=Q(openalex_id__isnull=True),
                name="%(app_label)s_%(class)s_unique_name_without_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TopicQuerySet(models.QuerySet["Topic"]):
    def of_works_by(self, author_id: int) -> Self:
        """Topics of an author's works, the most frequent first, with `works_count`."""
        return (
            self.filter(work_topics__work__in=Work.objects.on_profile_of(author_id))
            .annotate(works_count=Count("work_topics__work", distinct=True))
            .order_by("-works_count", "name")
        )


class Topic(models.Model):
    """A node of OpenAlex's topic tree: domain > field > subfield > topic."""

    class Level(models.TextChoices):
        DOMAIN = "domain"
        FIELD = "field"
        SUBFIELD = "subfield"
        TOPIC = "topic"

    # "T11636", "subfields/2718", "fields/27" or "domains/4", as OpenAlex names them.
    openalex_id = models.CharField(max_length=32, unique=True)
    name = models.TextField()
    level = models.CharField(max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="domain", parent__isnull=True)
                | (~Q(level="domain") & Q(parent__isnull=False)),
                name="%(app_label)s_%(class)s_parent_unless_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def version_set(work: str) -> Coalesce:
    """Name the set of versions the work at lookup path `work` belongs to.

    Every version points straight at the canonical one (a preprint at its
    published work, a second copy of an article at the first), which names the
    set, so a COUNT(DISTINCT ...) of this expression counts the set as one work.
    """
    return Coalesce(f"{work}__version_of", work)


class WorkQuerySet(models.QuerySet["Work"]):
    def search(self, query: str) -> Self:
        """Rank works whose title matches `query`, in web-search syntax."""
        search_query = SearchQuery(
            query, search_type="websearch", config=TITLE_SEARCH_CONFIG
        )
        return (
            self.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-publication_year", "pk")
        )

    def on_profile_of(self, author_id: int) -> Self:
        """Keep the works an author's page lists, one entry per set of versions.

        They are the works the author signed (see AuthorshipQuerySet.on_profile_of),
        less any version whose canonical work the author also signed: the
        canonical entry lists it as another version.
        """
        # EXISTS rather than a join plus DISTINCT: DISTINCT would make Postgres
        # sort every column of every work, abstracts included.
        signed = Authorship.objects.on_profile_of(author_id)
        return (
            self.exclude(type__in=Work.NOTICE_TYPES)
            .filter(Exists(signed.filter(work=OuterRef("pk"))))
            .exclude(Exists(signed.filter(work=OuterRef("version_of"))))
        )

    def for_profile_page(self) -> Self:
        """Load the works list of profiles/detail.html in two queries a page."""
        other_versions = Work.objects.only(
            "pk", "type", "doi", "arxiv_id", "version_of"
        ).order_by("pk")
        return (
            self.select_related("venue")
            .defer("title_raw", "referenced_openalex_ids", "search_vector")
            .prefetch_related(models.Prefetch("other_versions", other_versions))
            .newest_first()
        )

    def for_detail_page(self) -> Self:
        """Load what works/detail.html shows but the byline, in two queries."""
        return self.select_related("venue", "version_of").prefetch_related(
            "other_versions"
        )

    def newest_first(self) -> Self:
        """Order by publication date, newest first, with undated works last."""
        return self.order_by(
            F("publication_year").desc(nulls_last=True),
            F("published_on").desc(nulls_last=True),
            "title",
            "pk",
        )


class Work(models.Model):
    class Type(models.TextChoices):
        # Labels stay lower-case: the works list shows them as a quiet prefix.
        ARTICLE = "article", "article"
        PREPRINT = "preprint", "preprint"
        BOOK = "book", "book"
        BOOK_CHAPTER = "book-chapter", "book chapter"
        DATASET = "dataset", "dataset"
        DISSERTATION = "dissertation", "dissertation"
        REVIEW = "review", "review"
        REPORT = "report", "report"
        # Notices about other works: listed on no profile, counted in no total.
        RETRACTION = "retraction", "retraction notice"
        ERRATUM = "erratum", "erratum"
        OTHER = "other", "other"

    NOTICE_TYPES = (Type.RETRACTION, Type.ERRATUM)

    class DatePrecision(models.TextChoices):
        YEAR = "year"
        MONTH = "month"
        DAY = "day"

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    doi = models.TextField(unique=True, null=True, blank=True)
    arxiv_id = models.CharField(max_length=32, unique=True, null=True, blank=True)

    # Text columns below are NULL, not "", when the source has no value: an empty
    # title and a missing one are different facts, and an abstract of "" is none.
    # Sanitised HTML (see works.text): only i, b, sub and sup survive.
    title = models.TextField(null=True, blank=True)  # noqa: DJ001
    # The title as the source gave it, kept for round-tripping and re-cleaning.
    title_raw = models.TextField(null=True, blank=True)  # noqa: DJ001
    # Sanitised HTML paragraphs, or NULL when the source has no abstract.
    abstract = models.TextField(null=True, blank=True)  # noqa: DJ001
    type = models.CharField(max_length=32, choices=Type.choices, default=Type.OTHER)
    # The source's own type word ("journal-article", "misc") when it differs.
    type_raw = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=16, blank=True)

    publication_year = models.SmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # NULL exactly when published_on is.
    date_precision = models.CharField(  # noqa: DJ001
        max_length=5, choices=DatePrecision.choices, null=True, blank=True
    )

    venue = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="works",
    )
    cited_by_count = models.PositiveIntegerField(default=0)
    is_retracted = models.BooleanField(default=False)
    # OpenAlex list pages cut authorships at 100; the full list needs a re-fetch.
    is_authors_truncated = models.BooleanField(default=False)
    # BibTeX "and others": the byline names only the first authors.
    has_more_authors = models.BooleanField(default=False)
    # Cited works as OpenAlex ids: most are not in our database, so they are kept
    # as plain ids rather than foreign keys.
    referenced_openalex_ids = ArrayField(
        models.CharField(max_length=32), default=list, blank=True
    )
    # Another version of one paper points at the canonical one (see
    # works.importers.store.link_versions); the profile lists the set once.
    version_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="other_versions",
    )
    topics = models.ManyToManyField(Topic, through="WorkTopic", related_name="works")

    search_vector = models.GeneratedField(
        expression=SearchVector(
            Coalesce("title", models.Value("", output_field=models.TextField())),
            config=TITLE_SEARCH_CONFIG,
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="works_work_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(version_of=F("pk")),
                name="%(app_label)s_%(class)s_not_own_version",
            ),
            models.CheckConstraint(
                condition=Q(publication_year__isnull=True)
                | Q(publication_year__gte=1000, publication_year__lte=2100),
                name="%(app_label)s_%(class)s_plausible_year",
            ),
        ]

    def __str__(self) -> str:
        # The visible text of the clean title: the admin escapes it once more.
        return plain_text(self.title) or f"Untitled work {self.pk}"

    def bylines(self) -> models.QuerySet["Authorship"]:
        """The work's authorships in byline order, with their author records."""
        return self.authorships.select_related("author").order_by("position")


class AuthorshipQuerySet(models.QuerySet["Authorship"]):
    def on_profile_of(self, author_id: int) -> Self:
        """Keep the bylines an author's page counts: those of the author's record
        and of the duplicate records a curator merged into it."""
        # The author model lives in the profiles app, which depends on this one.
        author_model = apps.get_model("profiles", "Author")
        records = author_model._default_manager.filter(
            Q(pk=author_id) | Q(merged_into=author_id)
        )
        return self.filter(author__in=records.values("pk"))


class Authorship(models.Model):
    """One byline slot of a work, linked to an author record when one is known."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    # Bylines reach people through their author record. The record lives in the
    # profiles app; works holds the byline because the importers write both.
    author = models.ForeignKey(
        "profiles.Author",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorships",
    )
    # 1-based place in the byline, as the source lists it.
    position = models.PositiveIntegerField()
    raw_author_name = models.TextField(blank=True)
    raw_affiliations = ArrayField(models.TextField(), default=list, blank=True)
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="authorships"
    )
    is_corresponding = models.BooleanField(default=False)

    objects = AuthorshipQuerySet.as_manager()

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "position"],
                name="%(app_label)s_%(class)s_unique_position",
            ),
        ]
        indexes = [
            # The profile page and the collaborator count start from an author.
            models.Index(fields=["author", "work"], name="works_authorship_author"),
        ]

    def __str__(self) -> str:
        return self.raw_author_name or "(unnamed author)"


class WorkTopic(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_topics")
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="work_topics"
    )
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work", "topic"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} – {self.topic_id}"
