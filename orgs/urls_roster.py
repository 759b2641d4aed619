from django.urls import path

app_name = "roster"
urlpatterns: list = []
