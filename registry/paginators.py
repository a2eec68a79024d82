"""Paginators for lists of a million rows."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


class ListPaginator(Paginator):
    """Pages without a COUNT(*): a page reads one row more than it shows to know whether another follows,
    so the pager offers the pages up to the next one (a million rows would be counted on every request).

    A deep page (its first row at `deep_from` or later) reads the ids of its rows first, in the list's
    order (on an index alone when one serves the order), then those rows by id from the same queryset, so
    they keep its select_related, annotations, prefetch_related and database; the offset is walked once,
    without the joins."""

    deep_from = 1000

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self._rows(bottom, bottom + self.per_page + 1)
        following = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        # What is known without counting: the rows up to this page, and one more if another page follows.
        self.__dict__["count"] = bottom + len(rows) + (1 if following else 0)
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)
        return self._get_page(rows, number, self)

    def _rows(self, bottom, top):
        rows = self.object_list
        if bottom < self.deep_from or not hasattr(rows, "values_list"):
            return list(rows[bottom:top])
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
