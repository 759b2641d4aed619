from django.urls import path

from development import views, views_batches, views_case, views_transfer

app_name = "development"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.my_case, name="my_case"),
    path("me/thought-reports/", views.my_thought_report, name="my_thought_report"),
    path("units/<int:unit_id>/cases/", views.cases, name="cases"),
    path("units/<int:unit_id>/cases/new/", views.case_new, name="case_new"),
    path("units/<int:unit_id>/cases/transfer-in/", views_transfer.case_transfer_in, name="case_transfer_in"),
    path("units/<int:unit_id>/due/", views.due, name="due"),
    path("units/<int:unit_id>/people/", views.person_lookup, name="person_lookup"),
    path("units/<int:unit_id>/batches/", views_batches.batches, name="batches"),
    path("cases/<int:case_id>/", views_case.case, name="case"),
    path("cases/<int:case_id>/return/", views_case.case_return, name="case_return"),
    path("cases/<int:case_id>/resubmit/", views_case.case_resubmit, name="case_resubmit"),
    path("cases/<int:case_id>/assessments/", views_case.case_assessment, name="case_assessment"),
    path("cases/<int:case_id>/thought-reports/", views_case.case_thought_report, name="case_thought_report"),
    path("cases/<int:case_id>/cancel/", views_case.case_cancel, name="case_cancel"),
    path("cases/<int:case_id>/transfer-out/", views_case.case_transfer_out, name="case_transfer_out"),
    path(
        "cases/<int:case_id>/steps/<int:step>/documents/<slug:kind>/",
        views_case.case_document,
        name="case_document",
    ),
    path("batches/<int:batch_id>/", views_batches.batch, name="batch"),
    path("batches/<int:batch_id>/cases/", views_batches.batch_add, name="batch_add"),
    path("batches/<int:batch_id>/notice/", views_batches.batch_notice, name="batch_notice"),
    path("batches/<int:batch_id>/meeting/", views_batches.batch_meeting, name="batch_meeting"),
    path("batches/<int:batch_id>/close/", views_batches.batch_close, name="batch_close"),
]
