"""Pages of the historical import of development cases, mounted at /development/import/."""

from django.urls import path

from development import views_import

app_name = "development_import"
urlpatterns = [
    path("", views_import.history_import, name="upload"),
    path("template/", views_import.history_template, name="template"),
    path("<uuid:public_id>/", views_import.history_preview, name="preview"),
    path("<uuid:public_id>/apply/", views_import.history_apply, name="apply"),
]
