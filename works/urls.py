from django.urls import path

from works import views

app_name = "works"

urlpatterns = [
    path("<int:work_id>/", views.work_detail, name="detail"),
]
