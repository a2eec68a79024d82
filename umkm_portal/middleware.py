from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user picked another language with the switch (its cookie).

    The browser's Accept-Language is ignored on purpose: an office PC set to English still shows
    the portal in Indonesian, as the dinas expects.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
