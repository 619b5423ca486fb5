"""URL configuration: every page under a language prefix (/fr/, /en/); the
API under /api/v1/ speaks the language of the request's Accept-Language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from actors import invitation_views, two_factor_views
from api.token_views import api_token
from nap1325.health import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("api.urls", "api"), namespace="api")),
]

urlpatterns += i18n_patterns(
    path("", include("plans.urls")),
    path("", include("operations.urls")),
    path("", include("reporting.urls")),
    path("", include("analytics.urls")),
    path("", include("publishing.urls")),
    path("", include("governance.urls")),
    path("", include("alignment.urls")),
    path("", include("collection.urls")),
    path("", include("places.urls")),
    path("", include("exchange.urls")),
    path("institutions/", include("actors.urls")),
    path("people/", invitation_views.people_list, name="people"),
    path("people/invite/", invitation_views.invite_person, name="invite"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/token/", api_token, name="api_token"),
    path("accounts/two-factor/", two_factor_views.setup, name="two_factor"),
    path("accounts/two-factor/code/", two_factor_views.verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/backup-codes/",
        two_factor_views.backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/two-factor/off/", two_factor_views.turn_off, name="two_factor_off"),
    path("people/<int:pk>/two-factor/reset/", two_factor_views.reset, name="two_factor_reset"),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
)
