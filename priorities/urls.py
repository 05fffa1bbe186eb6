from django.urls import path

from priorities import views

app_name = "priorities"

urlpatterns = [
    path("", views.board, name="board"),
    path("public/", views.public, name="public"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/endorse/", views.endorse, name="endorse"),
    path(
        "<int:pk>/endorsements/<int:endorsement_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("<int:pk>/updates/", views.add_update, name="add_update"),
    # Slugs never collide with the paths above: services.unique_slug_for avoids them.
    path("<slug:slug>/", views.detail, name="detail"),
]
