from django.urls import path

from meetings import note_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("calendar/", views.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/status/<slug:action>/", views.session_transition, name="session_transition"),
    path("<int:pk>/register/", views.session_register, name="session_register"),
    path("<int:pk>/session.ics", views.session_calendar, name="session_calendar"),
    path("<int:pk>/registrations/", views.session_registrations, name="session_registrations"),
    path("<int:pk>/registrations.csv", views.registrations_csv, name="registrations_csv"),
    path("<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("<int:pk>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("<int:pk>/round-tables/new/", views.round_table_create, name="round_table_create"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("round-tables/<int:pk>/", views.round_table_detail, name="round_table_detail"),
    path("round-tables/<int:pk>/edit/", views.round_table_edit, name="round_table_edit"),
    path("round-tables/<int:pk>/join/", views.round_table_join, name="round_table_join"),
    path(
        "round-tables/<int:pk>/participants/<int:participant_pk>/leave/",
        views.round_table_leave,
        name="round_table_leave",
    ),
    path("round-tables/<int:pk>/assign/", views.round_table_assign, name="round_table_assign"),
    # Round-table notes
    path("notes/", note_views.note_search, name="note_search"),
    path("notes/review/", note_views.note_review, name="note_review"),
    path("notes/<int:pk>/", note_views.note_detail, name="note_detail"),
    path("notes/<int:pk>/edit/", note_views.note_edit, name="note_edit"),
    path("notes/<int:pk>/submit/", note_views.note_submit, name="note_submit"),
    path(
        "notes/<int:pk>/review/<slug:action>/",
        note_views.note_review_action,
        name="note_review_action",
    ),
    path("notes/<int:pk>/history/", note_views.note_history, name="note_history"),
    path("notes/actions/<int:pk>/done/", note_views.action_done, name="note_action_done"),
    path("round-tables/<int:pk>/notes/new/", note_views.note_create, name="note_create"),
    path("<int:pk>/compiled/", note_views.session_compiled, name="session_compiled"),
]
