from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("<int:author_id>/", views.author_detail, name="detail-short"),
    path("<int:author_id>/<str:slug>/", views.author_detail, name="detail"),
    path("<int:author_id>/follow/", views.author_follow, name="follow"),
    path("<int:author_id>/unfollow/", views.author_unfollow, name="unfollow"),
]
