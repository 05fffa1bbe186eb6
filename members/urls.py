from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("directory/", views.directory, name="directory"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/logo/", views.organisation_logo, name="organisation_logo"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/photo/", views.person_photo, name="person_photo"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/my-data.json", views.data_export, name="data_export"),
    path("settings/delete-account/", views.delete_account, name="delete_account"),
    path("invitations/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
    path("staff/invitations/", views.invitation_list, name="invitation_list"),
    path("staff/invitations/new/", views.invitation_create, name="invite"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "staff/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
]
