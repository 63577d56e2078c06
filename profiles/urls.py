from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("<int:author_id>/", views.author_detail, name="detail-short"),
    path("<int:author_id>/<str:slug>/", views.author_detail, name="detail"),
    # Actions name the verb first, so that no author's slug can shadow them.
    path("follow/<int:author_id>/", views.author_follow, name="follow"),
    path("unfollow/<int:author_id>/", views.author_unfollow, name="unfollow"),
]
