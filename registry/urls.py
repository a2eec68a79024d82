from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("kecamatan/", views.KecamatanListView.as_view(), name="kecamatan_list"),
    path("kecamatan/<str:pk>/", views.KecamatanDetailView.as_view(), name="kecamatan_detail"),
]
