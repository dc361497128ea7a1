"""Page slugs made from titles the way the Wagtail admin makes them for editors."""

from django.conf import settings
from django.utils.text import slugify

#: How Norwegians write æ, ø and å in an address (miljodirektoratet.no); Wagtail's admin
#: writes them so too when WAGTAIL_ALLOW_UNICODE_SLUGS is off.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def transliterate(text):
    return text.translate(NORWEGIAN_LETTERS)


def page_slug(title, max_length=80):
    """The slug the admin proposes for ``title``: letters such as æ, ø, å kept when
    ``WAGTAIL_ALLOW_UNICODE_SLUGS`` is on (Wagtail's default), else written ae, o, a
    (never dropped) and other letters without their accents."""
    if getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True):
        slug = slugify(title, allow_unicode=True)
    else:
        slug = slugify(transliterate(title))
    return slug[:max_length].strip("-")
