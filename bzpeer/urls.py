from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bzpeer import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("authors/", include("profiles.urls")),
    path("works/", include("works.urls")),
    path("graph/", include("graph.urls")),
    path("admin/", admin.site.urls),
]
