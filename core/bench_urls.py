"""The bench ceilings; included by smartbranch/urls.py only when BENCH_ENDPOINTS=1."""

from django.urls import path

from core import bench_views

app_name = "bench"
urlpatterns = [
    path("bare/", bench_views.bare_page, name="bare_page"),
    path("write/", bench_views.bare_write, name="bare_write"),
    path("bytes/<slug:name>/", bench_views.bare_bytes, name="bare_bytes"),
]
