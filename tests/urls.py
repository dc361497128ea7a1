from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from wagtail_klimakronsj import urls as klimakronsj_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("klimakronsj/", include(klimakronsj_urls)),
    path("", include(wagtail_urls)),
]
