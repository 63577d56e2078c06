from django.urls import path

from graph import views

app_name = "graph"

urlpatterns = [
    path("authors/<int:author_id>/", views.author_slice, name="author-slice"),
]
