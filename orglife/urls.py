from django.urls import URLPattern, URLResolver, include, path

app_name = "orglife"
urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns.append(path("", include("orglife.urls_compliance")))
