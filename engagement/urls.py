from django.urls import path  # noqa: F401

app_name = "engagement"

urlpatterns: list = []

# Surveys and polls (engagement/urls_surveys.py).
from django.urls import include, re_path  # noqa: E402

urlpatterns.append(re_path(r"^", include("engagement.urls_surveys")))
