"""The area door: views reach area data only through visible_to(user)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class AreaRestrictedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Require `permission_required`; show only the user's area (others answer 404, not 403)."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)
