from django.urls import URLPattern, URLResolver, include, path

app_name = "orglife"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("orglife.urls_checkin")),
    path("", include("orglife.urls_compliance")),
]
