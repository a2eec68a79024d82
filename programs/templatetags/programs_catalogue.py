"""The business page's catalogue section: the business's consent to be shown in the public catalogue (open
and past), and where each of its products stands. The registry's page loads this tag library, so the
registry's Python never imports the programs."""

from django import template
from django.db.models import Exists, OuterRef, Q

from programs.models import CurationSubmission, ListingConsent
from registry.models import Product

register = template.Library()


@register.inclusion_tag("programs/partials/_catalogue.html", takes_context=True)
def catalogue_section(context, business):
    """Two queries (the consents; the listed or curated products with their listings), none for a user who
    may not see consents."""
    perms = context.get("perms")
    user = context["request"].user
    if not user.has_perm("programs.view_listingconsent"):
        return {"shown": False}
    consents = list(
        ListingConsent.objects.filter(business=business)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("-recorded_at", "-pk")
    )
    current = next((c for c in consents if c.withdrawn_at is None), None)
    passed = CurationSubmission.objects.filter(product=OuterRef("pk"), decision=CurationSubmission.Decision.PASSED)
    products = list(
        Product.objects.filter(business=business)
        .annotate(passed=Exists(passed))
        .filter(Q(listing__isnull=False) | Q(passed=True))
        .select_related("listing")
        .order_by("name", "pk")
    )
    return {
        "shown": True,
        "business": business,
        "current": current,
        "past": [c for c in consents if c.withdrawn_at is not None],
        "products": [{"product": p, "listing": getattr(p, "listing", None), "passed": p.passed} for p in products],
        "perms": perms,
    }
