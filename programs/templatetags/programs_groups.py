"""The programs a group's members took part in, on the group page in the registry. The registry's page loads this
tag library, so the registry's Python never imports the programs (as programs_ledger)."""

from django import template
from django.db.models import Count, Q

from programs.models import CurationSubmission, Enrollment

register = template.Library()


@register.inclusion_tag("programs/partials/_group_programs.html")
def group_programs(group, user):
    """The trainings and curations of the group's members that `user` may see, 20 of each, newest first: two
    queries."""
    members = group.members_seen_by(user).values("pk")
    trainings = (
        Enrollment.objects.visible_to(user)
        .filter(business__in=members)
        .order_by()
        .values("training_id", "training__title", "training__start_on")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by("-training__start_on", "training_id")[:20]
    )
    curations = (
        CurationSubmission.objects.visible_to(user)
        .filter(product__business__in=members)
        .order_by()
        .values("call_id", "call__title", "call__closes_on")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(decision=CurationSubmission.Decision.PASSED)))
        .order_by("-call__closes_on", "call_id")[:20]
    )
    return {"trainings": list(trainings), "curations": list(curations)}
