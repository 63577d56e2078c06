from django.urls import path, register_converter

from profiles import views


class OpenAlexAuthorId:
    """An OpenAlex author id such as A5023888391, in either case."""

    regex = "[Aa][0-9]{1,15}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(OpenAlexAuthorId, "openalex_author")

app_name = "profiles"

urlpatterns = [
    path("<int:author_id>/", views.author_detail, name="detail-short"),
    path("<int:author_id>/<str:slug>/", views.author_detail, name="detail"),
    path(
        "<openalex_author:openalex_id>/",
        views.author_by_openalex_id,
        name="by-openalex-id",
    ),
    # Actions name the verb first, so that no author's slug can shadow them.
    path("follow/<int:author_id>/", views.author_follow, name="follow"),
    path("unfollow/<int:author_id>/", views.author_unfollow, name="unfollow"),
]
