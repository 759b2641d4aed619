from django.urls import path

from dues import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.mine, name="mine"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/export.xlsx", views.unit_export, name="unit_export"),
    path("units/<int:unit_id>/payments/", views.payments, name="payments"),
    path("units/<int:unit_id>/amounts/", views.amounts, name="amounts"),
    path("units/<int:unit_id>/people/<int:person_id>/", views.member, name="member"),
    path("payments/<int:payment_id>/reversal/", views.reversal, name="reversal"),
]
