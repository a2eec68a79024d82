from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from umkm_portal import accounts, views
from umkm_portal.forms import LoginForm
from umkm_portal.second_factor import SecondFactorView

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("masuk/kode/", SecondFactorView.as_view(), name="second_factor"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("kata-sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("kata-sandi/lupa/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("kata-sandi/lupa/terkirim/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "kata-sandi/atur/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("registry.urls")),
    path("", include("programs.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
