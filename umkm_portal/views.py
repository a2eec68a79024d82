from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from programs.models import BankOfficer, BankReferral
from registry.models import AreaAssignment, Business, BusinessGroup, group_scoped
from umkm_portal import health


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's start page: a greeting and the areas (or the bank) the user works for."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = AreaAssignment.objects.filter(user=user).select_related("kabupaten", "kecamatan__kabupaten")
        bank_officer = BankOfficer.objects.filter(user=user).select_related("bank", "kabupaten").first()
        bank_queues = None
        if bank_officer is not None:
            bank_queues = self._bank_queues(user)
        pending = None
        if user.has_perm("registry.verify_business"):
            # The queue is small and indexed by verification state: a count here stays cheap.
            pending = Business.objects.visible_to(user).pending().count()
        # A group coordinator works for their groups, inside the kecamatan of their assignment.
        own_groups = BusinessGroup.objects.visible_to(user).order_by("name") if group_scoped(user) else None
        return super().get_context_data(
            own_groups=own_groups,
            assignments=assignments,
            bank_officer=bank_officer,
            pending_count=pending,
            bank_queues=bank_queues,
            **kwargs,
        )

    @staticmethod
    def _bank_queues(user):
        """What waits for the bank, a step of BankReferral.BANK_TRANSITIONS each: (status, how many), in one
        statement on the (bank, status) index. visible_to: a branch's officer counts its kabupaten's only."""
        statuses = list(BankReferral.BANK_TRANSITIONS)
        counts = BankReferral.objects.visible_to(user).aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in statuses}
        )
        return [(status, counts[status.value]) for status in statuses]


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring, without a login: each check of umkm_portal.health as JSON;
    503 when the database or the storage does not answer; otherwise 200, "degraded" when the cache, the
    replica or the worker is not well."""
    checks = health.run_checks()
    status = health.overall(checks)
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)
