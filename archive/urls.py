from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/", views.unit_documents, name="unit_documents"),
    path("<uuid:public_id>/", views.download, name="download"),
    path("<uuid:public_id>/v<int:number>/", views.download, name="download"),
    path("<uuid:public_id>/thumb/", views.thumbnail, name="thumbnail"),
    path("<uuid:public_id>/versions/", views.add_version, name="add_version"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
]
