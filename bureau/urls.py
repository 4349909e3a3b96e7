from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from bureau import views, views_notifications

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("employers/", views.employer_list, name="ui-employers"),
    path("employers/new/", views.employer_new, name="ui-employer-new"),
    path("employers/<int:pk>/", views.employer_detail, name="ui-employer"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="ui-employer-edit"),
    path("workers/", views.worker_list, name="ui-workers"),
    path("workers/new/", views.worker_new, name="ui-worker-new"),
    path("workers/<int:pk>/", views.worker_detail, name="ui-worker"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="ui-worker-edit"),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("", include("complaints.urls")),
    path("", include("wagecases.urls")),
    path("", include("inspections.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("bureau.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

handler404 = "bureau.views.not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
