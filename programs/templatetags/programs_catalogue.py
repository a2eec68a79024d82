"""The business page's catalogue section: the business's consent to be shown in the public catalogue (open
and past), and where each of its products stands. The registry's page loads this tag library, so the
registry's Python never imports the programs."""

from django import template

from programs.models import CurationSubmission, Listing, ListingConsent

register = template.Library()


@register.inclusion_tag("programs/partials/_catalogue.html", takes_context=True)
def catalogue_section(context, business):
    """Three queries (consents, listings, passed products), none for a user who may not see consents."""
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
    listings = {
        listing.product_id: listing
        for listing in Listing.objects.filter(product__business=business).only(
            "pk", "product_id", "unlisted_at", "export_ready"
        )
    }
    passed = set(
        CurationSubmission.objects.filter(
            product__business=business, decision=CurationSubmission.Decision.PASSED
        ).values_list("product_id", flat=True)
    )
    products = []
    for product in business.products.all():
        listing = listings.get(product.pk)
        if listing is None and product.pk not in passed:
            continue
        products.append({"product": product, "listing": listing, "passed": product.pk in passed})
    return {
        "shown": True,
        "business": business,
        "current": current,
        "past": [c for c in consents if c.withdrawn_at is not None],
        "products": products,
        "perms": perms,
    }
