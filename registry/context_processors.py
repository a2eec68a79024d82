from registry.roles import ROLE_LABELS, role_of


def role(request):
    """Expose the user's role key and label to every template (for navigation)."""
    key = role_of(request.user) if hasattr(request, "user") else None
    return {"role": key, "role_label": ROLE_LABELS.get(key, "")}
