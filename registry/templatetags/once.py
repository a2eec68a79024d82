"""`{% once_token %}`: the hidden one-time token of a creating form (registry/once.py)."""

import uuid

from django import template
from django.utils.html import format_html

from registry.once import FIELD, token_of

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context):
    """A new token, or the one the form was just sent with (a form shown again after an error keeps it)."""
    request = context.get("request")
    token = (token_of(request) if request is not None and request.method == "POST" else None) or uuid.uuid4()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
