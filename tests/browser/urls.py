"""URLs of the browser-test server: like the example site, English under /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from wagtail_klimakronsj import urls as klimakronsj_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
urlpatterns += i18n_patterns(
    path("klimakronsj/", include(klimakronsj_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
