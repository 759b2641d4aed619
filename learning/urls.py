from django.urls import path

from learning import urls_quiz, views, views_author

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("lessons/<int:lesson_id>/media/", views.lesson_media, name="lesson_media"),
    path("lessons/<int:lesson_id>/poster/", views.lesson_poster, name="lesson_poster"),
    path("library/", views.library, name="library"),
    path("library/<int:item_id>/", views.library_item, name="library_item"),
    path("library/<int:item_id>/favourite/", views.library_favourite, name="library_favourite"),
    path("library/<int:item_id>/file/", views.library_file, name="library_file"),
    path("points/", views.my_points, name="my_points"),
    path("points/rules/", views_author.points_rules, name="points_rules"),
    path("units/<int:unit_id>/ranking/", views.unit_ranking, name="unit_ranking"),
    path("tracks/", views.tracks, name="tracks"),
    path("tracks/<int:track_id>/people/<int:person_id>/", views.track_record, name="track_record"),
    path("certificates/<int:certificate_id>/", views.certificate_pdf, name="certificate_pdf"),
    path("author/", views_author.author_home, name="author_home"),
    path("author/courses/<int:course_id>/", views_author.author_course, name="author_course"),
    path(
        "author/courses/<int:course_id>/completion/", views_author.author_completion, name="author_completion"
    ),
    path("author/lessons/<int:lesson_id>/", views_author.author_lesson, name="author_lesson"),
    path("author/tracks/", views_author.author_tracks, name="author_tracks"),
    path("author/tracks/<int:track_id>/", views_author.author_track, name="author_track"),
    path("author/library/new/", views_author.author_library_new, name="author_library_new"),
    path(
        "author/library/<int:item_id>/status/",
        views_author.author_library_status,
        name="author_library_status",
    ),
]
urlpatterns += urls_quiz.urlpatterns
