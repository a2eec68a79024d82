"""Paginators for lists of a million rows, and the one way a page number is read from a request.

A page number is whatever the query string says: a non-number or a number below 1 answers the first
page, and a number past the end (99999999999999999999 included, which no OFFSET can hold) the last.
django-tables2 also takes the page size from the query string (?per_page=): it is kept from 1 to
MAX_PER_PAGE, so neither a negative size nor a million rows per page reaches the database.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django_tables2 import paginators as tables2_paginators

# The largest OFFSET PostgreSQL takes (a bigint): a page starting beyond it is past the end of any list.
MAX_OFFSET = 2**63 - 1
MAX_PER_PAGE = 100


class _PageSizeMixin:
    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


class TablePaginator(_PageSizeMixin, Paginator):
    """Django's counting paginator for a django-tables2 list, with the page size kept in bounds."""


class _CountlessMixin(_PageSizeMixin):
    """For paginators that never count: a page past the end counts the list once, and answers its last
    page (a COUNT(*) only for someone who typed a page number, or followed an old link)."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number):
        """Django's lenient page (used by ListView through LenientPaginationMixin): the first page for a
        non-number or a number below 1; page() itself answers the last page for one past the end."""
        try:
            number = self.validate_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        return self.page(number)

    def _offset(self, number):
        """The first row of page `number`, or None when no list is that long."""
        bottom = (number - 1) * self.per_page
        return bottom if bottom <= MAX_OFFSET - self.per_page - 1 else None

    def _last_number(self, asked):
        """The last page's number, when it is before `asked` (else `asked`: rows came in meanwhile)."""
        total = self.object_list.count() if hasattr(self.object_list, "values_list") else len(self.object_list)
        return min(asked, max(1, -(-total // self.per_page)))


class ListPaginator(_CountlessMixin, Paginator):
    """Pages without a COUNT(*): a page reads one row more than it shows to know whether another follows,
    so the pager offers the pages up to the next one (a million rows would be counted on every request).

    A deep page (its first row at `deep_from` or later) is read as the same queryset's rows whose ids are in
    a subquery of its page of ids (`pk IN (SELECT id ... OFFSET n LIMIT 26)`): the offset is walked once, on
    the ids alone (on an index alone when one serves the order), without the joins, and the rows keep the
    queryset's select_related, annotations, prefetch_related, order and database. One statement: the ids read
    first by a statement of their own cost a round trip and a query's compilation more (page 500 of the
    business list took 1.11x its first page's CPU that way, 1.04x in one; docs/performance.md). With
    `ids_apart`, the ids are read first all the same: for a list whose rows' annotations PostgreSQL would
    otherwise work out for every row that the filters match (programs.catalogue_views.IdsFirstPaginator).

    `fields` (optional): read the page's rows as named tuples of these fields (`values_list(named=True)`,
    "pk" among them) instead of model instances; the offset walk still reads ids alone."""

    deep_from = 1000
    ids_apart = False

    def __init__(self, object_list, per_page, *args, fields=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.fields = fields

    def _shaped(self, queryset):
        return queryset.values_list(*self.fields, named=True) if self.fields else queryset

    def page(self, number):
        number = self.validate_number(number)
        bottom = self._offset(number)
        rows = [] if bottom is None else self._rows(bottom, bottom + self.per_page + 1)
        last = self._last_number(number) if not rows and number > 1 else number
        if last < number:
            return self.page(last)
        following = len(rows) > self.per_page
        rows = rows[: self.per_page]
        # What is known without counting: the rows up to this page, and one more if another page follows.
        self.__dict__["count"] = (number - 1) * self.per_page + len(rows) + (1 if following else 0)
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)
        return self._get_page(rows, number, self)

    def _rows(self, bottom, top):
        rows = self.object_list
        if not hasattr(rows, "values_list"):
            return list(rows[bottom:top])
        if bottom < self.deep_from:
            return list(self._shaped(rows)[bottom:top])
        if self.ids_apart:
            ids = list(rows.values_list("pk", flat=True)[bottom:top])
            found = {row.pk: row for row in self._shaped(rows.order_by().filter(pk__in=ids))}
            return [found[pk] for pk in ids if pk in found]
        return list(self._shaped(rows.filter(pk__in=rows.values("pk")[bottom:top])))


class LazyPaginator(_CountlessMixin, tables2_paginators.LazyPaginator):
    """django-tables2's LazyPaginator, whose page past the end answered the first page (its number of
    pages is unknown there) and whose huge page numbers overflowed PostgreSQL's OFFSET: the last page."""

    def page(self, number):
        number = self.validate_number(number or 1)
        if number > 1 and self._offset(number) is None:
            return self.page(self._last_number(number))
        try:
            return super().page(number)
        except EmptyPage:
            last = self._last_number(number)
            if last == number:
                raise
            return self.page(last)


class LenientPaginationMixin:
    """For ListView and FilterView: read ?page= with Paginator.get_page (first page for a non-number, last
    page past the end) instead of answering 404, as django-tables2's lists already do."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return (paginator, page, page.object_list, page.has_other_pages())
