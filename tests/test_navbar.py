"""The staff navbar (templates/includes/_navbar.html, umkm_portal/templatetags/navigation.py): the programs'
pages sit in one "Program" dropdown so the bar fits a 1280 px desktop in English (issue 20); every role sees
only the links it may open, and the page shown is marked in the bar and on the dropdown's toggle."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from registry import roles
from tests.factories import make_user

NAV = re.compile(r'<nav class="navbar.*?</nav>', re.S)
LINK = re.compile(r'<a class="(nav-link|dropdown-item)[^"]*"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>')
TOGGLE = re.compile(r'<button class="nav-link dropdown-toggle[^"]*"[^>]*id="nav-programs"[^>]*>')


def navbar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return NAV.search(response.content.decode()).group(0)


def links(html):
    """(kind, href, label) of the bar's links: "nav-link" in the bar, "dropdown-item" in a menu."""
    return [(kind, href, label.strip()) for kind, href, label in LINK.findall(html)]


def program_items(html):
    """The labels of the programs' dropdown, in order."""
    menu = re.search(r'aria-labelledby="nav-programs">(.*?)</ul>', html, re.S)
    return [label for _, _, label in links(menu.group(1))] if menu else []


@pytest.fixture
def cast(portal_admin, dinas_sidoarjo, coordinator_a, bank_officer, kec_a):
    return {
        "admin": portal_admin,
        "dinas": dinas_sidoarjo,
        "coordinator": coordinator_a,
        "group_coordinator": make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a),
        "bank": bank_officer,
    }


# What a coordinator's work needs, in the dropdown's order; the dinas and the admin also see the banks.
AREA_PROGRAMS = [
    "Pelatihan",
    "Pendampingan",
    "Kurasi",
    "Penempatan",
    "Kelola katalog",
    "Permintaan pembeli",
    "Acara",
    "Rujukan bank",
]
PROGRAM_ITEMS = {
    "admin": [*AREA_PROGRAMS, "Bank"],
    "dinas": [*AREA_PROGRAMS, "Bank"],
    "coordinator": AREA_PROGRAMS,
    "group_coordinator": AREA_PROGRAMS,
    "bank": ["Rujukan bank"],
}


@pytest.mark.parametrize("role", PROGRAM_ITEMS)
def test_each_role_sees_in_the_dropdown_only_the_programs_it_may_open(client, cast, role):
    client.force_login(cast[role])

    html = navbar(client, reverse("home"))

    assert program_items(html) == PROGRAM_ITEMS[role]
    for _, href, label in links(html):
        if not href.startswith("/admin/"):
            assert client.get(href).status_code == 200, (role, label, href)


def test_a_user_without_a_role_gets_no_dropdown(client, db):
    client.force_login(get_user_model().objects.create_user("tanpa.peran", password="x"))

    html = navbar(client, reverse("home"))

    assert not TOGGLE.search(html)
    assert program_items(html) == []
    assert [label for kind, _, label in links(html) if kind == "nav-link"] == ["Beranda"]


@pytest.mark.parametrize(
    ("url", "current", "in_programs"),
    [
        (reverse("programs:training_list"), "Pelatihan", True),
        (reverse("programs:curationcall_list"), "Kurasi", True),
        (reverse("programs:mentoringvisit_overdue"), "Pendampingan", True),
        (reverse("programs:listing_list"), "Kelola katalog", True),
        (reverse("programs:event_list"), "Acara", True),
        (reverse("programs:bank_list"), "Bank", True),
        (reverse("registry:business_list"), "Usaha", False),
        (reverse("reports:dashboard"), "Dasbor", False),
    ],
)
def test_the_page_shown_is_marked_in_the_bar_and_on_the_toggle(client, dinas_sidoarjo, url, current, in_programs):
    client.force_login(dinas_sidoarjo)

    html = navbar(client, url)

    marked = re.findall(r'class="(?:nav-link|dropdown-item) active" aria-current="page"[^>]*>([^<]+)</a>', html)
    assert marked == [current]
    toggle = TOGGLE.search(html).group(0)
    assert ('active" aria-current="true"' in toggle) is in_programs
