"""Strict readers for deployment settings: a malformed value stops the start, it is never guessed."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}


def env_str(name, default=None):
    """Return the variable's value, `default` when unset or empty; raise when both are missing."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return default


def env_bool(name, default):
    """Return true/false/1/0/on/off as a bool; anything else (such as "yes") raises."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true, false, 1, 0, on, off; got {value!r}.")


def env_int(name, default):
    """Return a whole number; anything else raises."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def env_list(name, default=()):
    """Return a comma-separated list without blanks."""
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)
