"""People in the scholarly record, and what visitors do with them."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from works.models import Authorship, Institution, WorkTopic, version_set

# Co-authors who share at least this many works with an author are close
# collaborators.
CLOSE_COLLABORATOR_MIN_WORKS = 3


def _count_subquery(queryset: models.QuerySet, field: str) -> Coalesce:
    """Wrap a per-author COUNT(DISTINCT field) as a correlated subquery."""
    counted = (
        queryset.order_by()
        .values("author_ref")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class AuthorQuerySet(models.QuerySet["Author"]):
    def public(self) -> Self:
        """Keep authors that have a public page."""
        return self.filter(merged_into__isnull=True)

    def search(self, query: str) -> Self:
        """Find authors whose folded name contains every word of `query`."""
        from profiles.names import fold_name

        words = fold_name(query).split()
        if not words:
            return self.none()
        matches = self
        for word in words:
            matches = matches.filter(search_name__contains=word)
        return matches.order_by("search_name", "pk")

    def coauthors_of(self, author: "Author") -> Self:
        """Co-authors of `author`, most shared works first, with `shared_works`."""
        return (
            self.public()
            .filter(authorships__work__authorships__author=author)
            .exclude(pk=author.pk)
            .annotate(
                shared_works=Count(version_set("authorships__work"), distinct=True)
            )
            .order_by("-shared_works", "display_name", "pk")
        )

    def with_counts(self) -> Self:
        """Annotate works, topics, close collaborators and followers, one query."""
        # A preprint whose published version the author also signed counts once,
        # as Work.objects.on_profile_of() lists it once.
        mine = (
            Authorship.objects.filter(author=OuterRef("pk"))
            .exclude(work__version_of__authorships__author=OuterRef("pk"))
            .annotate(author_ref=F("author"))
        )
        topics = WorkTopic.objects.filter(
            work__authorships__author=OuterRef("pk")
        ).annotate(author_ref=F("work__authorships__author"))
        # The co-author ids sit two subqueries deep, under the count below.
        profile_author = OuterRef(OuterRef("pk"))
        collaborators = (
            Authorship.objects.filter(
                work__authorships__author=profile_author, author__isnull=False
            )
            .exclude(author=profile_author)
            .order_by()
            .values("author")
            .annotate(shared=Count(version_set("work"), distinct=True))
            .filter(shared__gte=CLOSE_COLLABORATOR_MIN_WORKS)
            .values("author")
        )
        close_count = (
            Author.objects.filter(pk__in=collaborators)
            .order_by()
            .annotate(one=models.Value(1))
            .values("one")
            .annotate(n=Count("pk"))
            .values("n")
        )
        identified = mine.filter(
            Q(work__doi__isnull=False)
            | Q(work__arxiv_id__isnull=False)
            | Q(work__openalex_id__isnull=False)
        )
        followers = Follow.objects.filter(author=OuterRef("pk")).annotate(
            author_ref=F("author")
        )
        return self.annotate(
            works_count=_count_subquery(mine, "work"),
            identified_works_count=_count_subquery(identified, "work"),
            topics_count=_count_subquery(topics, "topic"),
            close_collaborators_count=Coalesce(
                Subquery(close_count, output_field=models.IntegerField()), 0
            ),
            followers_count=_count_subquery(followers, "follower"),
        )

    def for_profile_page(self) -> Self:
        """Load what profiles/detail.html shows of the author, in one query."""
        return self.select_related("last_known_institution").with_counts()


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
