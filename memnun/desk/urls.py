from django.contrib.auth.views import LogoutView
from django.urls import path

from memnun.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.DeskLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("queue/", views.queue, name="queue"),
]
