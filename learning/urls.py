from django.urls import URLPattern

from learning import urls_quiz

app_name = "learning"
urlpatterns: list[URLPattern] = []
urlpatterns += urls_quiz.urlpatterns
