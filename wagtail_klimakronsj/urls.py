"""Non-page views of the package. Include once in the site's URLconf::

    path("klimakronsj/", include("wagtail_klimakronsj.urls")),
"""

from django.urls import path

app_name = "wagtail_klimakronsj"

urlpatterns: list = []
