"""Non-page views of the package. Include once in the site's URLconf::

    path("klimakronsj/", include("wagtail_klimakronsj.urls")),
"""

from django.urls import path

from .feedback import feedback_view

app_name = "wagtail_klimakronsj"

urlpatterns: list = []
urlpatterns += [path("feedback/", feedback_view, name="feedback")]
