from django.urls import path

from orgs import views_roster

app_name = "roster"
urlpatterns = [
    path("import/", views_roster.roster_import, name="import"),
    path("import/template/", views_roster.roster_template, name="template"),
    path("import/<int:import_id>/", views_roster.roster_preview, name="preview"),
    path("import/<int:import_id>/apply/", views_roster.roster_apply, name="apply"),
    path("export/", views_roster.members_export, name="export"),
]
