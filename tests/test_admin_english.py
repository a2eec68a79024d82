"""The Django admin in English: the portal's language switch reaches the admin (and the admin has its own), and
every admin page, Django's and the portal's own (duplicates, compare, merge, a person's data trail, enrolment
codes, the actions' messages), reads English with no Indonesian left.

Two checks, as tests/test_english.py: the catalogue's Indonesian phrases whose English differs, and Indonesian
words of no English sentence, which catch a literal that never reached the catalogue (it would not be in it).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import reverse

from registry.models import Business, LegalDocument, Owner, YearlyFigure
from tests.factories import make_business, make_document, make_figure, make_owner, make_product, make_user
from tests.test_english import indonesian_left, indonesian_phrases, readable_text

# Words of Indonesian sentences that no English text uses and no test record's name holds.
SENTENCE_WORDS = re.compile(
    r"\b(yang|dan|tidak|dengan|untuk|oleh|belum|sudah|dihapus|dipulihkan|diterbitkan|diverifikasi|dalamnya"
    r"|Pilih|Tambah|Ubah|Simpan|Cari)\b"
)
TEST_NAMES = re.compile(r"(Pemilik|Usaha|Produk) Uji \d+|Roti Bu Rina( Balongbendo)?|Siti Aminah|SITI AMINAH")


# What Django stores as data and shows as it is, in any language: a group's name is what the admin typed. The
# role groups' own labels are translated in the user list's role column. (Permissions are stored in no language
# either, but their pickers read them in the reader's: registry.admin.permission_label.)
STORED = re.compile(r'<select name="groups".*?</select>', re.S)
GROUP_NAMES = re.compile(r"\b(Koordinator kelompok|Koordinator|Dinas|Bank)\b")


def left_in(response, phrases, *, groups_listed=False):
    """The Indonesian a person would read on the page (phrases of the catalogue, sentence words)."""
    html = STORED.sub("", response.content.decode())
    page = HttpResponse(html, content_type=response.get("Content-Type"))
    text = TEST_NAMES.sub(" ", readable_text(page))
    if groups_listed:
        text = GROUP_NAMES.sub(" ", text)
    return indonesian_left(text, phrases, context=True) + [
        f"{m.group(0)} ({text[max(0, m.start() - 40) : m.end() + 40]})" for m in SENTENCE_WORDS.finditer(text)
    ]


@pytest.fixture
def records(kec_a, portal_admin):
    """A little of everything, and a pair of each kind of duplicate."""
    born = datetime.date(1984, 5, 17)
    first = make_owner(kec_a, name="Siti Aminah", birth_date=born, female=True)
    second = make_owner(kec_a, name="SITI AMINAH", birth_date=born, female=True)
    keep = make_business(kec_a, name="Roti Bu Rina", owner=first)
    extra = make_business(kec_a, name="Roti Bu Rina Balongbendo", owner=first)
    make_product(keep)
    make_document(keep, kind=LegalDocument.Kind.HALAL, number="ID35150000099999")
    make_figure(keep, year=2024)
    other = make_user(None, username="operator.lain")
    return {"owners": (first, second), "businesses": (keep, extra), "user": other}


@pytest.fixture
def english(client, portal_admin):
    client.force_login(portal_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _pages(records):
    """Every admin page with something on it: the index, each model's list, its add page, a record's page,
    and the portal's own pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        manager = getattr(model, "all_objects", model._default_manager)
        record = manager.order_by("pk").first()
        if record is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[record.pk]))
    first, second = records["owners"]
    keep, extra = records["businesses"]
    urls += [
        reverse("admin:registry_business_changelist") + "?dihapus=ya",
        reverse("admin:registry_owner_changelist") + "?dihapus=ya",
        reverse("admin:registry_business_add"),
        reverse("admin:registry_owner_add"),
        reverse("admin:registry_duplicates"),
        reverse("admin:registry_duplicate_compare", args=["pemilik", first.pk, second.pk]),
        reverse("admin:registry_duplicate_compare", args=["usaha", keep.pk, extra.pk]),
        reverse("admin:registry_owner_subject", args=[first.pk]),
    ]
    return urls


def test_every_admin_page_reads_english(english, records):
    phrases = indonesian_phrases()
    auth = reverse("admin:app_list", args=["auth"])  # the group list and the users' group filter name groups
    found = {}
    for url in _pages(records):
        response = english.get(url)
        assert response.status_code in (200, 403), url  # 403: an add page of a record only services write
        if response.status_code == 200:
            assert 'lang="en"' in response.content.decode(), url
            if left := left_in(response, phrases, groups_listed=url.startswith(auth)):
                found[url] = left
    assert found == {}, "\n".join(f"{url}: {left}" for url, left in sorted(found.items()))


def test_the_admins_own_forms_and_messages_read_english(english, records):
    phrases = indonesian_phrases()
    first, second = records["owners"]
    keep, extra = records["businesses"]
    compare = reverse("admin:registry_duplicate_compare", args=["usaha", keep.pk, extra.pk])

    owners = english.get(reverse("admin:registry_duplicate_compare", args=["pemilik", first.pk, second.pk]))
    confirm = english.post(compare, {"action": "pertahankan_kiri"})
    codes = english.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_codes", "_selected_action": [records["user"].pk]},
    )
    verified = english.post(
        reverse("admin:registry_business_changelist"),
        {"action": "verify_selected", "_selected_action": [keep.pk, extra.pk]},
        follow=True,
    )
    deleted = english.post(
        reverse("admin:registry_owner_changelist"),
        {"action": "soft_delete_selected", "_selected_action": [second.pk]},
        follow=True,
    )
    restored = english.post(
        reverse("admin:registry_owner_changelist") + "?dihapus=ya",
        {"action": "restore_selected", "_selected_action": [second.pk]},
        follow=True,
    )
    merged = english.post(compare, {"action": "pertahankan_kiri", "confirm": "yes"}, follow=True)
    unknown = english.post(
        reverse("admin:registry_duplicate_compare", args=["pemilik", first.pk, second.pk]), {"action": "?"}, follow=True
    )

    assert "<td>No</td>" in owners.content.decode()  # a yes/no field (has_disability) in words, not False
    assert "Merge #" in confirm.content.decode()
    assert "authenticator enrolment code" in codes.content.decode().lower()
    assert "2 businesses verified." in verified.content.decode()
    assert "1 business owner deleted" in deleted.content.decode()
    assert Owner.all_objects.get(pk=second.pk).deleted_at is None
    assert "1 business owner restored." in restored.content.decode()
    assert f"Merged into #{keep.pk}" in merged.content.decode()
    assert not Business.all_objects.filter(pk=extra.pk).exists()
    assert "Unknown action." in unknown.content.decode()
    for response in (owners, confirm, codes, verified, deleted, restored, merged, unknown):
        assert left_in(response, phrases) == []
    assert YearlyFigure.objects.filter(business=keep).count() == 1


def test_the_admin_switches_language_itself(client, portal_admin):
    client.force_login(portal_admin)
    index = reverse("admin:index")

    indonesian = client.get(index).content.decode()
    english = client.post(reverse("set_language"), {"language": "en", "next": index}, follow=True)

    assert 'id="language-form"' in indonesian
    assert "Pengelolaan data" in indonesian
    assert english.redirect_chain[-1][0] == index
    assert "Data management" in english.content.decode()
    assert 'value="en" lang="en" aria-pressed="true"' in english.content.decode()


def test_permissions_read_in_the_readers_language(client, portal_admin):
    """Django stores a permission's name in no language ("Can change usaha"); the group's and the user's
    pickers show the app, the model and the permission in the reader's."""
    client.force_login(portal_admin)
    url = reverse("admin:auth_group_add")

    indonesian = client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    user_page = client.get(reverse("admin:auth_user_change", args=[portal_admin.pk])).content.decode()

    assert ">Registri UMKM | usaha | Dapat mengubah usaha</option>" in indonesian
    assert ">Registri UMKM | usaha | Dapat memverifikasi pendaftaran usaha</option>" in indonesian
    assert "Can change usaha" not in indonesian
    for page in (english, user_page):
        assert ">UMKM registry | business | Can change business</option>" in page
        assert ">UMKM registry | business | Can verify business registrations</option>" in page
        assert ">Support programs | bank referral | Can record a bank&#x27;s decision on a referral</option>" in page
