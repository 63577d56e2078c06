from django.contrib import admin

from works.models import Authorship, Institution, Source, Topic, Work


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
    readonly_fields = ["title_raw", "created_at", "updated_at"]
    inlines = [AuthorshipInline]


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
