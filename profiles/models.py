"""People in the scholarly record, and what visitors do with them."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import TrigramSimilarity
from django.db import models
from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from works.models import Authorship, Institution, Work, WorkTopic, version_set

# Co-authors who share at least this many works with an author are close
# collaborators.
CLOSE_COLLABORATOR_MIN_WORKS = 3


def _count(queryset: models.QuerySet, field: str = "pk") -> Coalesce:
    """COUNT(DISTINCT field) over `queryset`, as a subquery to annotate with."""
    counted = (
        queryset.order_by()
        .annotate(one=models.Value(1))
        .values("one")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class AuthorQuerySet(models.QuerySet["Author"]):
    def public(self) -> Self:
        """Keep authors that have a public page."""
        return self.filter(merged_into__isnull=True)

    def search(self, query: str) -> Self:
        """Find authors whose folded name contains every word of `query`, the
        closest names first."""
        from profiles.names import fold_name

        folded = fold_name(query)
        if not folded:
            return self.none()
        matches = self
        for word in folded.split():
            matches = matches.filter(search_name__contains=word)
        return matches.annotate(
            closeness=TrigramSimilarity("search_name", folded)
        ).order_by("-closeness", "search_name", "pk")

    def coauthors_of(self, author_id: int) -> Self:
        """Co-authors on an author's page, most shared works first, with
        `shared_works`: versions of one work count once."""
        signed = Authorship.objects.on_profile_of(author_id).values("work")
        return (
            self.public()
            .filter(authorships__work__in=signed)
            .exclude(pk=author_id)
            .annotate(
                shared_works=Count(version_set("authorships__work"), distinct=True)
            )
            .order_by("-shared_works", "display_name", "pk")
        )

    def with_counts(self, author_id: int) -> Self:
        """Keep one author, annotated with what their page counts, in one query.

        Every count starts from Work.objects.on_profile_of(), so the numbers agree
        with the works list.
        """
        works = Work.objects.on_profile_of(author_id)
        identified = works.filter(
            Q(doi__isnull=False)
            | Q(arxiv_id__isnull=False)
            | Q(openalex_id__isnull=False)
        )
        topics = WorkTopic.objects.filter(work__in=works)
        close_collaborators = Author.objects.filter(
            pk__in=self.coauthors_of(author_id)
            .filter(shared_works__gte=CLOSE_COLLABORATOR_MIN_WORKS)
            .values("pk")
        )
        followers = Follow.objects.filter(author=author_id)
        return self.filter(pk=author_id).annotate(
            works_count=_count(works),
            identified_works_count=_count(identified),
            topics_count=_count(topics, "topic"),
            close_collaborators_count=_count(close_collaborators),
            followers_count=_count(followers, "follower"),
        )

    def for_profile_page(self, author_id: int) -> Self:
        """Load what profiles/detail.html shows of the author, in one query."""
        return self.select_related("last_known_institution").with_counts(author_id)


class Author(models.Model):
    display_name = models.TextField()
    # Other spellings seen in bylines and upstream records, for search and merging.
    alternative_names = ArrayField(models.TextField(), default=list, blank=True)
    # The display name folded to lower-case ASCII words (see profiles.names), with
    # the alternative names appended: what name search matches against.
    search_name = models.TextField(blank=True, editable=False)
    slug = models.SlugField(max_length=200, blank=True)
    orcid = models.CharField(max_length=19, unique=True, null=True, blank=True)
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    bio = models.TextField(blank=True)
    last_known_institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authors",
    )
    is_open_to_collaborate = models.BooleanField(default=False)
    # A curator's merge of a duplicate record: its page redirects to this one.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    # Set by AuthorQuerySet.with_counts(), and absent without it.
    works_count: int
    identified_works_count: int
    topics_count: int
    close_collaborators_count: int
    followers_count: int

    class Meta:
        ordering = ["display_name", "pk"]
        indexes = [
            # Name search filters with LIKE '%word%' on search_name.
            GinIndex(
                OpClass("search_name", name="gin_trgm_ops"),
                name="profiles_author_name_trgm",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(orcid__regex=r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"),
                name="%(app_label)s_%(class)s_orcid_format",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="%(app_label)s_%(class)s_not_merged_into_self",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", args=[self.pk, self.slug or "author"])


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "author"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.author_id}"
