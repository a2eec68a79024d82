from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from programs.models import BankOfficer, BankReferral
from registry.models import AreaAssignment, Business
from umkm_portal import health


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's start page: a greeting and the areas (or the bank) the user works for."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = AreaAssignment.objects.filter(user=user).select_related("kabupaten", "kecamatan__kabupaten")
        bank_officer = BankOfficer.objects.filter(user=user).select_related("bank", "kabupaten").first()
        waiting_referrals = None
        if bank_officer is not None:
            # visible_to: a branch's officer counts only its kabupaten's referrals.
            waiting_referrals = BankReferral.objects.visible_to(user).filter(status=BankReferral.Status.SENT).count()
        pending = None
        if user.has_perm("registry.verify_business"):
            # The queue is small and indexed by verification state: a count here stays cheap.
            pending = Business.objects.visible_to(user).pending().count()
        return super().get_context_data(
            assignments=assignments,
            bank_officer=bank_officer,
            pending_count=pending,
            waiting_referrals=waiting_referrals,
            **kwargs,
        )


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring, without a login: each check of umkm_portal.health as JSON;
    503 when the database or the storage does not answer; otherwise 200, "degraded" when the cache, the
    replica or the worker is not well."""
    checks = health.run_checks()
    status = health.overall(checks)
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)
