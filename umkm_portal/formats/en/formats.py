"""Dates in English as the portal writes them: "30 November 2026" (day first, as in Indonesian), not Django's
American "Nov. 30, 2026"; short dates day-month-year like the Indonesian ones. Indonesian keeps Django's own."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
