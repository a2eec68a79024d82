from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path("dasbor/kecamatan/", views.CoordinatorDashboardView.as_view(), name="coordinator"),
    path("laporan/ringkas.xlsx", views.SummaryReportView.as_view(), name="summary_xlsx"),
    path("laporan/ringkas.pdf", views.SummaryReportView.as_view(file_format="pdf"), name="summary_pdf"),
    path("laporan/nasional/", views.NationalReportView.as_view(), name="national"),
    path("laporan/dampak/pelatihan/<int:pk>/", views.TrainingImpactView.as_view(), name="training_impact"),
    path("laporan/dampak/kurasi/<int:pk>/", views.CurationImpactView.as_view(), name="curation_impact"),
    path("angka-resmi/", views.SnapshotListView.as_view(), name="snapshot_list"),
    path("angka-resmi/baru/", views.SnapshotCreateView.as_view(), name="snapshot_create"),
    path("angka-resmi/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot_detail"),
    path("data-resmi/", views.OfficialCountUploadView.as_view(), name="officialcount_upload"),
    path("unduhan/usaha/", views.BusinessExportJobView.as_view(), name="business_export_job"),
    path("unduhan/<uuid:token>/", views.JobDetailView.as_view(), name="job_detail"),
    path("unduhan/<uuid:token>/berkas/", views.JobDownloadView.as_view(), name="job_download"),
]
