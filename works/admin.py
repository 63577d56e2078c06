from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from works.models import Authorship, Institution, Source, Topic, Work

# A byline slot is about seven form fields, and Django refuses a form of more
# than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): a longer byline is edited on the
# authorship pages instead of inline.
INLINE_BYLINE_MAX = 100


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    fields = ["position", "raw_author_name", "author", "raw_affiliations"]
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "type", "publication_year", "doi", "openalex_id"]
    list_filter = ["type", "is_retracted"]
    search_fields = ["title", "doi", "arxiv_id", "openalex_id"]
    raw_id_fields = ["venue", "version_of"]
    readonly_fields = ["byline", "title_raw", "created_at", "updated_at"]

    def get_inlines(
        self, request: HttpRequest, obj: Work | None
    ) -> list[type[admin.options.InlineModelAdmin]]:
        if obj is not None and obj.authorships.count() > INLINE_BYLINE_MAX:
            return []
        return [AuthorshipInline]

    @admin.display(description="Byline")
    def byline(self, obj: Work) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:works_authorship_changelist")
        count = obj.authorships.count()
        return format_html(
            '<a href="{}?work__id__exact={}">{} authorship{}, in byline order</a>',
            url,
            obj.pk,
            count,
            "" if count == 1 else "s",
        )


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["position", "raw_author_name", "author", "work"]
    list_display_links = ["position", "raw_author_name"]
    search_fields = ["raw_author_name", "author__display_name"]
    raw_id_fields = ["work", "author", "institutions"]
    list_select_related = ["work", "author"]
    ordering = ["work", "position"]
    list_per_page = INLINE_BYLINE_MAX


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "country_code", "ror_id", "openalex_id"]
    search_fields = ["name", "ror_id", "openalex_id"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "issn_l", "openalex_id"]
    search_fields = ["name", "issn_l", "openalex_id"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "openalex_id"]
    list_filter = ["level"]
    search_fields = ["name", "openalex_id"]
    raw_id_fields = ["parent"]
