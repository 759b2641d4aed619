from django.urls import path

from development import views_dossier

app_name = "dossier"
urlpatterns = [
    path("export/", views_dossier.cases_export, name="cases_export"),
    path("<int:case_id>/", views_dossier.case_dossier, name="case"),
    path("<int:case_id>/pdf/", views_dossier.case_dossier_pdf, name="case_pdf"),
]
