from django.urls import path

from registry import group_views, views

app_name = "registry"
urlpatterns = [
    path("wilayah/kecamatan/", views.KecamatanListView.as_view(), name="kecamatan_list"),
    path("wilayah/kecamatan/<str:pk>/", views.KecamatanDetailView.as_view(), name="kecamatan_detail"),
    path("usaha/", views.BusinessListView.as_view(), name="business_list"),
    path("usaha/ekspor/", views.BusinessExportView.as_view(), name="business_export"),
    path("usaha/ekspor/sidt/", views.SidtExportView.as_view(), name="sidt_export"),
    path("usaha/verifikasi/", views.VerificationQueueView.as_view(), name="business_queue"),
    path("usaha/daftar/", views.BusinessRegisterView.as_view(), name="business_register"),
    path("usaha/daftar/draf/", views.RegistrationDraftSaveView.as_view(), name="registrationdraft_save"),
    path(
        "usaha/daftar/draf/<int:pk>/buang/",
        views.RegistrationDraftDeleteView.as_view(),
        name="registrationdraft_delete",
    ),
    path("usaha/daftar/cek-ganda/", views.DuplicateCheckView.as_view(), name="business_duplicates"),
    path("usaha/<int:pk>/", views.BusinessDetailView.as_view(), name="business_detail"),
    path("usaha/<int:pk>/riwayat/", views.BusinessHistoryView.as_view(), name="business_history"),
    path("usaha/<int:pk>/ubah/", views.BusinessUpdateView.as_view(), name="business_update"),
    path("usaha/<int:pk>/pemilik/", views.OwnerUpdateView.as_view(), name="owner_update"),
    path("usaha/<int:pk>/pemilik/nik/", views.OwnerRevealNikView.as_view(), name="owner_reveal_nik"),
    path("usaha/<int:pk>/produk/tambah/", views.ProductCreateView.as_view(), name="product_create"),
    path("usaha/<int:pk>/dokumen/tambah/", views.LegalDocumentCreateView.as_view(), name="legaldocument_create"),
    path("usaha/<int:pk>/data-tahunan/", views.YearlyFigureView.as_view(), name="yearlyfigure_record"),
    path("usaha/<int:pk>/binaan/", views.GuidanceView.as_view(), name="business_guidance"),
    path("usaha/<int:pk>/keputusan/", views.BusinessDecisionView.as_view(), name="business_decide"),
    path("usaha/<int:pk>/hapus/", views.BusinessDeleteView.as_view(), name="business_delete"),
    path("produk/", views.ProductListView.as_view(), name="product_list"),
    path("kelompok/", group_views.GroupListView.as_view(), name="group_list"),
    path("kelompok/baru/", group_views.GroupFormView.as_view(), name="group_create"),
    path("kelompok/<int:pk>/", group_views.GroupDetailView.as_view(), name="group_detail"),
    path("kelompok/<int:pk>/ubah/", group_views.GroupFormView.as_view(), name="group_update"),
    path("kelompok/<int:pk>/anggota/", group_views.GroupMembersView.as_view(), name="group_members"),
    path("impor/", views.ImportUploadView.as_view(), name="import_upload"),
    path("impor/<int:pk>/kolom/", views.ImportMappingView.as_view(), name="import_mapping"),
    path("impor/<int:pk>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("dokumen/<int:pk>/pindaian/", views.LegalDocumentScanView.as_view(), name="legaldocument_scan"),
    path("foto/<int:pk>/", views.ProductPhotoFileView.as_view(), name="productphoto_image"),
    path("foto/<int:pk>/kecil/", views.ProductPhotoFileView.as_view(thumbnail=True), name="productphoto_thumbnail"),
]
