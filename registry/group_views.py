"""Groups and clusters (kelompok, sentra, klaster): their list, page, form and members.

The dinas creates a group, names its coordinator and adds members in bulk (registry.services.save_group,
add_group_members, remove_group_members); everyone who may see the group reads its page. A group
coordinator sees only the groups they coordinate (BusinessGroup.objects.visible_to).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum, Value
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, ListView

from registry import once
from registry.filtersets import COMMON_WORD_ROWS
from registry.forms import BusinessGroupForm, GroupMemberSearchForm
from registry.models import Business, BusinessGroup, Category, Owner, Product, YearlyFigure
from registry.paginators import LenientPaginationMixin, ListPaginator
from registry.permissions import AreaRestrictedMixin
from registry.search import SearchKey, estimated_rows, name_matches
from registry.services import MEMBERS_AT_ONCE, add_group_members, remove_group_members, save_group

MEMBERS_PER_PAGE = 25
CANDIDATES_PER_PAGE = 50
SEARCH_KEYS = ("q", "desa", "category")  # the member search, kept across an add


class GroupListView(AreaRestrictedMixin, LenientPaginationMixin, ListView):
    permission_required = "registry.view_businessgroup"
    model = BusinessGroup
    paginate_by = 50
    template_name = "registry/group_list.html"

    def get_queryset(self):
        live = Q(businesses__deleted_at__isnull=True)
        return (
            super()
            .get_queryset()
            .select_related("kecamatan", "coordinator")
            .annotate(member_count=Count("businesses", filter=live))
            .order_by("kecamatan__name", "name", "pk")
        )


class GroupDetailView(AreaRestrictedMixin, DetailView):
    """A group's page: its figures, members (a page at a time), products and the programs its members took."""

    permission_required = "registry.view_businessgroup"
    model = BusinessGroup
    template_name = "registry/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return super().get_queryset().select_related("kecamatan__kabupaten", "coordinator")

    def get_context_data(self, **kwargs):
        group, user = self.object, self.request.user
        members = group.members_seen_by(user)
        page = Paginator(
            members.select_related("owner", "desa").only(
                "name", "category", "size_class", "verification", "owner__name", "desa__name"
            ),
            MEMBERS_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        totals = members.aggregate(
            count=Count("pk"),
            workers=Sum(F("workers_male") + F("workers_female")),
            flagship=Count("pk", filter=Q(is_flagship=True)),
        )
        labels = dict(Category.choices)
        by_category = [
            (labels.get(row["category"], row["category"]), row["n"])
            for row in members.order_by().values("category").annotate(n=Count("pk")).order_by("-n", "category")
        ]
        revenue = list(
            YearlyFigure.objects.filter(business__in=members.values("pk"))
            .order_by()
            .values("year")
            .annotate(revenue=Sum("revenue"), reporting=Count("business", distinct=True))
            .order_by("-year")[:3]
        )
        products = Product.objects.filter(business__in=members.values("pk")).select_related("business")
        return super().get_context_data(
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            totals=totals,
            by_category=by_category,
            revenue=revenue,
            products=list(products.order_by("name", "pk")[:12]),
            product_count=products.count(),
            can_manage=user.has_perm("registry.change_businessgroup"),
            **kwargs,
        )


class GroupFormView(AreaRestrictedMixin, View):
    """Create a group (add_businessgroup) or change one (change_businessgroup, with a pk)."""

    model = BusinessGroup
    template_name = "registry/group_form.html"

    def get_permission_required(self):
        return ["registry.change_businessgroup" if "pk" in self.kwargs else "registry.add_businessgroup"]

    def _group(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def render(self, form, group, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form, "group": group}, status=status)

    def get(self, request, pk=None):
        group = self._group()
        return self.render(BusinessGroupForm(instance=group, user=request.user), group)

    def post(self, request, pk=None):
        group = self._group()
        if group is None:
            made = once.made_by(request)
            if made:
                return once.show_again(request, made)
        form = BusinessGroupForm(request.POST, instance=group, user=request.user)
        if not form.is_valid():
            return self.render(form, group, status=400)
        try:
            if group is None:
                saved, url = once.create_once(request, lambda: save_group(form.save(commit=False), by=request.user))
                if saved is None:
                    return once.show_again(request, url)
            else:
                saved = save_group(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, group, status=400)
        messages.success(request, _("Kelompok %(name)s tersimpan.") % {"name": saved.name})
        return redirect("registry:group_detail", pk=saved.pk)


class GroupMembersView(AreaRestrictedMixin, View):
    """Add members by searching the group's kecamatan (tick some, or add every hit), or take members out."""

    permission_required = "registry.change_businessgroup"
    model = BusinessGroup
    template_name = "registry/group_members.html"

    def _candidates(self, group, search):
        candidates = (
            Business.objects.visible_to(self.request.user).filter(kecamatan=group.kecamatan_id).exclude(groups=group)
        )
        if search.is_valid():
            data = search.cleaned_data
            words = data["q"].strip()
            if words:
                by_name = name_matches(Business.all_objects.all(), words, similar=False)
                by_owner = name_matches(Owner.all_objects.all(), words, similar=False)
                if max(estimated_rows(by_name), estimated_rows(by_owner)) > COMMON_WORD_ROWS:
                    # Tested on each of the kecamatan's businesses (thousands at most) instead: a common word's
                    # hits across the registry were 100,000 ids to match against them (0.7 s at a million).
                    key = SearchKey(Value(words))
                    candidates = candidates.alias(
                        name_key=SearchKey("name"), owner_key=SearchKey("owner__name")
                    ).filter(Q(name_key__contains=key) | Q(owner_key__contains=key))
                else:
                    candidates = candidates.filter(Q(pk__in=by_name.values("pk")) | Q(owner__in=by_owner.values("pk")))
            if data["desa"]:
                candidates = candidates.filter(desa=data["desa"])
            if data["category"]:
                candidates = candidates.filter(category=data["category"])
        return candidates

    def get(self, request, pk):
        group = get_object_or_404(self.get_queryset().select_related("kecamatan"), pk=pk)
        search = GroupMemberSearchForm(request.GET or None, group=group)
        candidates = self._candidates(group, search).select_related("owner", "desa").order_by("name", "pk")
        # Without a COUNT(*): a common word's search tested the kecamatan's rows once to count them and again for
        # the page (370 ms at a million businesses); the pager offers the pages up to the next one.
        page = ListPaginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "group": group,
            "search": search,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "at_once": MEMBERS_AT_ONCE,
        }
        return TemplateResponse(
            request, self.template_name, context, status=200 if search.is_valid() or not request.GET else 400
        )

    def post(self, request, pk):
        group = get_object_or_404(self.get_queryset(), pk=pk)
        action = request.POST.get("action")
        try:
            if action == "add_all":
                search = GroupMemberSearchForm(request.POST, group=group)
                if not search.is_valid():
                    raise ValidationError(_("Pencarian tidak valid; periksa pilihan Anda."))
                added = add_group_members(group, self._candidates(group, search), by=request.user)
                messages.success(request, _added(added))
            elif action == "add":
                added = add_group_members(group, _ids(request.POST.getlist("business")), by=request.user)
                messages.success(request, _added(added))
            elif action == "remove":
                removed = remove_group_members(group, _ids(request.POST.getlist("business")), by=request.user)
                removed_text = ngettext(
                    "%(count)s anggota dikeluarkan dari kelompok.",
                    "%(count)s anggota dikeluarkan dari kelompok.",
                    removed,
                )
                messages.success(request, removed_text % {"count": removed})
                return redirect("registry:group_detail", pk=group.pk)
            else:
                messages.error(request, _("Pilih tindakan: tambah atau keluarkan anggota."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if action == "remove":
                return redirect("registry:group_detail", pk=group.pk)
        kept = urlencode({key: request.POST[key] for key in SEARCH_KEYS if request.POST.get(key)})
        return redirect(reverse("registry:group_members", kwargs={"pk": group.pk}) + (f"?{kept}" if kept else ""))


def _added(count):
    text = ngettext("%(count)s usaha ditambahkan ke kelompok.", "%(count)s usaha ditambahkan ke kelompok.", count)
    return text % {"count": count}


def _ids(values):
    """The business ids ticked; a value that is not a number is refused, not a 500."""
    try:
        return [int(value) for value in values]
    except ValueError:
        raise ValidationError(_("Pilihan usaha tidak valid; muat ulang halaman.")) from None
