from django.conf import settings
from django.utils import translation

from lixiao.accounts import access

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Chinese by default, whatever the browser asks; English for international students; a choice made with the
    language switch (the language cookie) wins over both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            language = None
            student = access.student_for_user(request.user) if request.user.is_authenticated else None
            if student is not None and student.category.international:
                language = "en"
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
