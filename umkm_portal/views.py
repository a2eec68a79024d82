import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from programs.models import BankOfficer, BankReferral
from registry.models import AreaAssignment, Business

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's start page: a greeting and the areas (or the bank) the user works for."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = AreaAssignment.objects.filter(user=user).select_related("kabupaten", "kecamatan__kabupaten")
        bank_officer = BankOfficer.objects.filter(user=user).select_related("bank").first()
        waiting_referrals = None
        if bank_officer is not None:
            waiting_referrals = BankReferral.objects.filter(
                bank=bank_officer.bank_id, status=BankReferral.Status.SENT
            ).count()
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
    """Answer 200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
