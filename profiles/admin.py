from django.contrib import admin

from profiles.models import Author, Follow


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "orcid", "openalex_id", "last_known_institution"]
    search_fields = ["display_name", "search_name", "orcid", "openalex_id"]
    readonly_fields = ["search_name", "created_at", "updated_at"]
    raw_id_fields = ["last_known_institution", "merged_into"]
    list_select_related = ["last_known_institution"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "author", "created_at"]
    raw_id_fields = ["follower", "author"]
    list_select_related = ["follower", "author"]
