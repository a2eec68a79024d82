"""Roles are Django groups; this module names them, gives them permissions, and tells a user's role."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from umkm_portal.security import groups_and_permissions

ADMIN = "admin"
DINAS = "dinas"
COORDINATOR = "coordinator"
BANK = "bank"
GROUP_COORDINATOR = "group_coordinator"

ROLE_LABELS = {
    ADMIN: _("Admin"),
    DINAS: _("Dinas"),
    COORDINATOR: _("Koordinator kecamatan"),
    BANK: _("Petugas bank"),
    GROUP_COORDINATOR: _("Koordinator kelompok"),
}

# What each role may do, as "app_label.codename"; admins are superusers and hold every permission.
# Area scope is separate: a permission says what kind of record, visible_to(user) says which ones.
_AREA_VIEW = [
    "registry.view_kecamatan",
    "registry.view_desa",
    "registry.view_business",
    "registry.view_owner",
    "registry.view_product",
    "registry.view_businessgroup",
    "registry.export_business",
    "registry.import_business",
]
_REFERRING = [
    "programs.view_bank",
    "programs.view_bankreferral",
    "programs.add_bankreferral",
    "programs.change_bankreferral",
]
# A member's records and the programs' member steps: register, edit, add products, documents and figures,
# nominate to a training, submit a product to a curation call, record a mentoring visit. Coordinators do
# them in their kecamatan; the dinas does them across its kabupaten (Blora has no coordinators at all).
_MEMBER_WORK = [
    "registry.add_business",
    "registry.change_business",
    "registry.add_owner",
    "registry.change_owner",
    "registry.add_product",
    "registry.change_product",
    "registry.add_legaldocument",
    "registry.add_yearlyfigure",
    "programs.view_training",
    "programs.view_enrollment",
    "programs.add_enrollment",
    "programs.view_mentoringvisit",
    "programs.add_mentoringvisit",
    "programs.view_curationcall",
    "programs.view_curationsubmission",
    "programs.add_curationsubmission",
    "programs.view_placement",
    "programs.view_exportfacilitation",
    # Buyer inquiries of their area: follow them to an order, a placement or an export (programs.inquiries).
    "programs.view_inquiry",
    "programs.add_inquiry",
    "programs.change_inquiry",
    # the public catalogue: a business's consent (recorded, replaced, withdrawn) and its curated products' listings
    "programs.view_listingconsent",
    "programs.add_listingconsent",
    "programs.change_listingconsent",
    "programs.view_listing",
    "programs.add_listing",
    "programs.change_listing",
]
# The dinas adds the banks of its kabupaten and their officers' accounts (programs.services.save_bank,
# add_bank_officer say which); a national or provincial bank is changed by an admin.
_MANAGING_BANKS = [
    "programs.add_bank",
    "programs.change_bank",
    "programs.view_bankofficer",
    "programs.add_bankofficer",
    "programs.change_bankofficer",
]
# Selling events (pameran, bazar, belanja produk lokal) of the kabupaten: coordinators see them, add their area's
# businesses as participants, give their booths and record their sales; the dinas also creates and edits the
# events (programs.events says which; visible_to says which events and businesses).
_EVENT_WORK = [
    "programs.view_marketevent",
    "programs.view_eventbooth",
    "programs.add_eventbooth",
    "programs.change_eventbooth",
    "programs.delete_eventbooth",
]
ROLE_PERMISSIONS = {
    DINAS: [
        *_AREA_VIEW,
        *_REFERRING,
        *_MEMBER_WORK,
        *_MANAGING_BANKS,
        "registry.view_kabupaten",
        "registry.verify_business",
        "registry.set_guidance",
        "registry.delete_business",
        "registry.export_sidt",
        "registry.add_businessgroup",
        "registry.change_businessgroup",
        "programs.add_training",
        "programs.change_training",
        "programs.manage_enrollment",
        "programs.change_mentoringvisit",
        "programs.add_curationcall",
        "programs.change_curationcall",
        "programs.curate_product",
        "programs.add_exportfacilitation",
        "programs.mark_export_ready",
        "reports.view_snapshot",
        "reports.add_snapshot",
        "reports.view_officialcount",
        "reports.add_officialcount",
        *_EVENT_WORK,
        "programs.add_marketevent",
        "programs.change_marketevent",
    ],
    # The kecamatan worklist (reports:coordinator) is the coordinator's own page; the dinas keeps its dashboard.
    COORDINATOR: [*_AREA_VIEW, *_REFERRING, *_MEMBER_WORK, "registry.use_worklist", *_EVENT_WORK],
    BANK: ["programs.view_bank", "programs.view_bankreferral", "programs.decide_bankreferral"],
}

# A group coordinator does what a coordinator does, for the members of the groups they coordinate
# (registry.models.regions.group_scoped narrows every visible_to); an import is not theirs: its rows
# join no group, so they would drop out of the importer's sight.
ROLE_PERMISSIONS[GROUP_COORDINATOR] = [
    perm for perm in ROLE_PERMISSIONS[COORDINATOR] if perm != "registry.import_business"
]


def group_name(role):
    return settings.UMKM_ROLE_GROUPS[role]


def role_of(user):
    """Return the user's role key (admin, dinas, coordinator, bank), or None; cached on the user."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_umkm_role"):
        if user.is_superuser:
            user._umkm_role = ADMIN
        else:
            by_group = {name: role for role, name in settings.UMKM_ROLE_GROUPS.items()}
            names = groups_and_permissions(user)[0]  # with the permissions, in one statement
            user._umkm_role = next((by_group[name] for name in names if name in by_group), None)
    return user._umkm_role


def sync_role_groups(sender=None, **kwargs):
    """Create the role groups and set their permissions exactly; safe to run after every migrate.

    Connected to post_migrate, which is sent once per app: only the round of the last app does the work, when
    every app's permissions exist (it ran 13 times per migrate or test flush, about 5 seconds each flush)."""
    from django.apps import apps

    if sender is not None and sender is not [a for a in apps.get_app_configs() if a.models_module][-1]:
        return
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.set(wanted)
