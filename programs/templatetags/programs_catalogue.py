"""The business page's catalogue section: the business's consent to be shown in the public catalogue (open
and past), and where each of its products stands. The registry's page loads this tag library, so the
registry's Python never imports the programs."""

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from programs.models import CurationSubmission, ListingConsent
from registry.models import Product

register = template.Library()


@register.inclusion_tag("programs/partials/_catalogue.html", takes_context=True)
def catalogue_section(context, business):
    """Two queries (the consents; the products with their listings and curation), one more for the people
    who recorded and closed the consents when there are any; none for a user who may not see consents."""
    perms = context.get("perms")
    user = context["request"].user
    if not user.has_perm("programs.view_listingconsent"):
        return {"shown": False}
    # Written for the ORM's compiler as much as for the database (the business page, issue 17): joining the
    # user table twice (select_related) and testing the curation twice (annotation and filter) took about
    # 2 ms of CPU more than these, for a business with no consent and a product (docs/performance.md).
    consents = list(ListingConsent.objects.filter(business=business).order_by("-recorded_at", "-pk"))
    if consents:  # the people who recorded and closed them, in one query
        ids = {c.recorded_by_id for c in consents} | {c.withdrawn_by_id for c in consents if c.withdrawn_by_id}
        people = get_user_model().objects.in_bulk(ids)
        for consent in consents:
            consent.recorded_by = people[consent.recorded_by_id]
            consent.withdrawn_by = people.get(consent.withdrawn_by_id)
    current = next((c for c in consents if c.withdrawn_at is None), None)
    passed = CurationSubmission.objects.filter(product=OuterRef("pk"), decision=CurationSubmission.Decision.PASSED)
    products = [  # the business's products (the page shows them all), those listed or curated kept
        p
        for p in Product.objects.filter(business=business)
        .annotate(passed=Exists(passed))
        .select_related("listing")
        .order_by("name", "pk")
        if p.passed or getattr(p, "listing", None) is not None
    ]
    return {
        "shown": True,
        "business": business,
        "current": current,
        "past": [c for c in consents if c.withdrawn_at is not None],
        "products": [{"product": p, "listing": getattr(p, "listing", None), "passed": p.passed} for p in products],
        "perms": perms,
    }
