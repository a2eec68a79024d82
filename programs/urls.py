from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("rujukan/", views.BankReferralListView.as_view(), name="bankreferral_list"),
    path("rujukan/ekspor/", views.BankReferralExportView.as_view(), name="bankreferral_export"),
    path("rujukan/<int:pk>/", views.BankReferralDetailView.as_view(), name="bankreferral_detail"),
    path("rujukan/<int:pk>/langkah/", views.BankReferralStepView.as_view(), name="bankreferral_step"),
    path("usaha/<int:pk>/rujuk-bank/", views.BankReferralCreateView.as_view(), name="bankreferral_create"),
]
