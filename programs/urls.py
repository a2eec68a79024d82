from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path
from django.views.decorators.http import require_safe

from programs import catalogue, catalogue_file_views, catalogue_views, event_views, inquiry_views, ledger, views
from programs.sitemaps import SITEMAPS
from umkm_portal.routers import reads_primary

app_name = "programs"
urlpatterns = [
    path("rujukan/", views.BankReferralListView.as_view(), name="bankreferral_list"),
    path("rujukan/ekspor/", views.BankReferralExportView.as_view(), name="bankreferral_export"),
    path("rujukan/<int:pk>/", views.BankReferralDetailView.as_view(), name="bankreferral_detail"),
    path("rujukan/<int:pk>/langkah/", views.BankReferralStepView.as_view(), name="bankreferral_step"),
    path("bank/", views.BankListView.as_view(), name="bank_list"),
    path("bank/baru/", views.BankCreateView.as_view(), name="bank_create"),
    path("bank/<int:pk>/ubah/", views.BankUpdateView.as_view(), name="bank_update"),
    path("bank/<int:pk>/petugas/baru/", views.BankOfficerCreateView.as_view(), name="bankofficer_create"),
    path("bank/petugas/<int:pk>/", views.BankOfficerUpdateView.as_view(), name="bankofficer_update"),
    path("usaha/<int:pk>/rujuk-bank/", views.BankReferralCreateView.as_view(), name="bankreferral_create"),
    path("usaha/<int:pk>/pendampingan/", views.MentoringVisitCreateView.as_view(), name="mentoringvisit_create"),
    path("usaha/<int:pk>/bantuan/", ledger.BusinessLedgerView.as_view(), name="business_ledger"),
    path("pendampingan/tindak-lanjut/", views.OverdueFollowUpListView.as_view(), name="mentoringvisit_overdue"),
    path("kurasi/", views.CurationCallListView.as_view(), name="curationcall_list"),
    path("kurasi/baru/", views.CurationCallCreateView.as_view(), name="curationcall_create"),
    path("kurasi/<int:pk>/", views.CurationCallDetailView.as_view(), name="curationcall_detail"),
    path("kurasi/<int:pk>/ubah/", views.CurationCallUpdateView.as_view(), name="curationcall_update"),
    path("kurasi/<int:pk>/jadwal-ulang/", views.CurationCallRescheduleView.as_view(), name="curationcall_reschedule"),
    path("kurasi/<int:pk>/batalkan/", views.CurationCallCancelView.as_view(), name="curationcall_cancel"),
    path("kurasi/<int:pk>/ajukan/", views.CurationSubmitView.as_view(), name="curationcall_submit"),
    path("kurasi/produk/<int:pk>/", views.CurationSubmissionDetailView.as_view(), name="curationsubmission_detail"),
    path("kurasi/produk/<int:pk>/<slug:action>/", views.CurationActionView.as_view(), name="curationsubmission_action"),
    path("usaha/<int:pk>/ekspor/", views.ExportFacilitationCreateView.as_view(), name="exportfacilitation_create"),
    path("ekspor/", views.ExportReportView.as_view(), name="export_report"),
    path("pelatihan/", views.TrainingListView.as_view(), name="training_list"),
    path("pelatihan/peserta/", views.EnrollmentListView.as_view(), name="enrollment_list"),
    path("kurasi/produk/", views.CurationSubmissionListView.as_view(), name="curationsubmission_list"),
    path("pendampingan/", views.MentoringVisitListView.as_view(), name="mentoringvisit_list"),
    path("pendampingan/<int:pk>/", views.MentoringVisitDetailView.as_view(), name="mentoringvisit_detail"),
    path("penempatan/", views.PlacementListView.as_view(), name="placement_list"),
    path("ekspor/daftar/", views.ExportFacilitationListView.as_view(), name="exportfacilitation_list"),
    path("ekspor/<int:pk>/", views.ExportFacilitationDetailView.as_view(), name="exportfacilitation_detail"),
    path("pelatihan/baru/", views.TrainingCreateView.as_view(), name="training_create"),
    path("pelatihan/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("pelatihan/<int:pk>/ubah/", views.TrainingUpdateView.as_view(), name="training_update"),
    path("pelatihan/<int:pk>/jadwal-ulang/", views.TrainingRescheduleView.as_view(), name="training_reschedule"),
    path("pelatihan/<int:pk>/batalkan/", views.TrainingCancelView.as_view(), name="training_cancel"),
    path("pelatihan/<int:pk>/catat-peserta/", views.TrainingRecordParticipantsView.as_view(), name="training_record"),
    path("pelatihan/<int:pk>/nominasi/", views.TrainingNominateView.as_view(), name="training_nominate"),
    path("pelatihan/<int:pk>/kelulusan/", views.CompletionView.as_view(), name="training_completion"),
    path("pelatihan/sesi/<int:pk>/presensi/", views.AttendanceView.as_view(), name="attendance"),
    path("peserta/<int:pk>/keputusan/", views.EnrollmentDecisionView.as_view(), name="enrollment_decide"),
    path("peserta/<int:pk>/sertifikat/", views.CertificateView.as_view(), name="enrollment_certificate"),
    path("sertifikat/<str:code>/", views.CertificateVerifyView.as_view(), name="certificate_verify"),
    # Buyer inquiries (issue 20, item 3): the buyer's form and status page are public; the worklist is staff's.
    path("katalog/produk/<int:pk>/tanya/", inquiry_views.CatalogueInquiryView.as_view(), name="catalogue_inquiry"),
    path(
        "katalog/produk/<int:pk>/tanya/terkirim/",
        inquiry_views.CatalogueInquirySentView.as_view(),
        name="catalogue_inquiry_sent",
    ),
    path("permintaan/<str:token>/", inquiry_views.InquiryStatusView.as_view(), name="inquiry_status"),
    path("permintaan-pembeli/", inquiry_views.InquiryListView.as_view(), name="inquiry_list"),
    path("permintaan-pembeli/baru/", inquiry_views.InquiryCreateView.as_view(), name="inquiry_create"),
    path("permintaan-pembeli/<int:pk>/", inquiry_views.InquiryDetailView.as_view(), name="inquiry_detail"),
]

# The public catalogue's staff side (issue 20, item 2): consent and listings.
urlpatterns += [
    path("usaha/<int:pk>/persetujuan-katalog/", catalogue_views.ConsentRecordView.as_view(), name="consent_record"),
    path("persetujuan-katalog/<int:pk>/cabut/", catalogue_views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("produk/<int:pk>/katalog/", catalogue_views.ListingEditView.as_view(), name="listing_edit"),
    path("produk/<int:pk>/katalog/turunkan/", catalogue_views.ListingUnlistView.as_view(), name="listing_unlist"),
    path("katalog-kelola/", catalogue_views.ListingListView.as_view(), name="listing_list"),
]

# The public catalogue (no login): programs/catalogue.py
urlpatterns += [
    path("katalog/", catalogue.CatalogueHomeView.as_view(), name="catalogue_home"),
    path("katalog/produk/<int:pk>/", catalogue.CatalogueProductView.as_view(), name="catalogue_product"),
    path("katalog/usaha/<int:pk>/", catalogue.CatalogueBusinessView.as_view(), name="catalogue_business"),
    re_path(
        r"^katalog/foto/(?P<pk>[0-9]+)/(?P<size>kecil|sedang|besar)\.jpg$",
        catalogue.CataloguePhotoView.as_view(),
        name="catalogue_photo",
    ),
    re_path(r"^katalog/(?P<code>[0-9]{2}\.[0-9]{2})/$", catalogue.CatalogueView.as_view(), name="catalogue"),
    path(
        "sitemap.xml",
        require_safe(reads_primary(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "programs:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(reads_primary(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", catalogue.robots_txt, name="robots"),
]

# The printable catalogue and the buyer-desk sheet (no login): programs/catalogue_file_views.py
urlpatterns += [
    re_path(
        r"^katalog/(?P<code>[0-9]{2}\.[0-9]{2})/katalog\.pdf$",
        catalogue_file_views.CatalogueFileView.as_view(file_format="pdf"),
        name="catalogue_pdf",
    ),
    re_path(
        r"^katalog/(?P<code>[0-9]{2}\.[0-9]{2})/katalog\.xlsx$",
        catalogue_file_views.CatalogueFileView.as_view(file_format="xlsx"),
        name="catalogue_sheet",
    ),
    re_path(
        r"^katalog/(?P<code>[0-9]{2}\.[0-9]{2})/katalog\.csv$",
        catalogue_file_views.CatalogueFileView.as_view(file_format="csv"),
        name="catalogue_csv",
    ),
]

# Selling events (pameran, bazar, belanja produk lokal): programs/event_views.py
urlpatterns += [
    path("acara/", event_views.MarketEventListView.as_view(), name="event_list"),
    path("acara/baru/", event_views.MarketEventCreateView.as_view(), name="event_create"),
    path("acara/<int:pk>/", event_views.MarketEventDetailView.as_view(), name="event_detail"),
    path("acara/<int:pk>/ubah/", event_views.MarketEventUpdateView.as_view(), name="event_update"),
    path("acara/<int:pk>/batalkan/", event_views.MarketEventCancelView.as_view(), name="event_cancel"),
    path("acara/<int:pk>/peserta/", event_views.MarketEventAddBoothsView.as_view(), name="event_add_booths"),
    path("acara/<int:pk>/penjualan/", event_views.MarketEventSalesView.as_view(), name="event_sales"),
    path("acara/<int:pk>/peserta.csv", event_views.MarketEventExportView.as_view(), name="event_export"),
    path("acara/stan/<int:pk>/hapus/", event_views.EventBoothRemoveView.as_view(), name="eventbooth_remove"),
]
