from django.urls import path

from moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/queue/", views.queue, name="queue"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/decide/", views.decide, name="decide"),
    path("lexicon/", views.lexicon_home, name="lexicon_home"),
    path("units/<int:unit_id>/lexicon/", views.lexicon, name="lexicon"),
    path("units/<int:unit_id>/lexicon/import/", views.lexicon_import, name="lexicon_import"),
    path("lexicon/entries/<int:entry_id>/", views.lexicon_entry, name="lexicon_entry"),
]
