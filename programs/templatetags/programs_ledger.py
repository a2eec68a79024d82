"""The assistance ledger's fold on the business page in the registry (programs/ledger.py reads its entries
when the fold is opened). The registry's page loads this tag library, so the registry's Python never imports
the programs."""

from django import template

register = template.Library()


@register.inclusion_tag("programs/partials/_ledger.html", takes_context=True)
def assistance_ledger(context, business):
    """The ledger's section, folded: its buttons, and the fold that fetches the entries. No query."""
    return {"business": business, "perms": context.get("perms"), "folded": True}
