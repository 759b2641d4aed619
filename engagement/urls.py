from django.urls import path  # noqa: F401

app_name = "engagement"

urlpatterns: list = []

from engagement.urls_suggestions import urlpatterns as suggestion_urls  # noqa: E402

urlpatterns += suggestion_urls

from engagement.urls_notices import urlpatterns as notice_urls  # noqa: E402

urlpatterns += notice_urls

# Surveys and polls (engagement/urls_surveys.py).
from django.urls import include, re_path  # noqa: E402

urlpatterns.append(re_path(r"^", include("engagement.urls_surveys")))
