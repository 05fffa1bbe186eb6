from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from alliance.health import health
from members import views as member_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Alliance Hub"
admin.site.site_title = "Alliance Hub admin"

urlpatterns = [
    path("health/", health, name="health"),
    path("i18n/setlang/", member_views.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("mail/", include("alliance.mail.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("sessions/", include("meetings.urls")),
    path("priorities/", include("priorities.urls")),
    path("", include("members.urls")),
    prefix_default_language=True,
)

if settings.BENCH_VIEWS:
    from alliance.bench_views import ping

    urlpatterns += [path("bench/ping/", ping, name="bench_ping")]

# Uploaded logos and photos are never served straight from MEDIA_ROOT, not even in development:
# the members app serves each through a view that checks who may see it.
