"""Non-page views of the package. Include once in the site's URLconf::

    path("klimakronsj/", include("wagtail_klimakronsj.urls")),
"""

from django.urls import path

from .applications import views as applicant_views
from .feedback.views import feedback_view

app_name = "wagtail_klimakronsj"

urlpatterns = [
    path("feedback/", feedback_view, name="feedback"),
    path("application/<str:token>/", applicant_views.applicant_page, name="applicant"),
    path("application/<str:token>/renew/", applicant_views.renew_link, name="applicant_renew"),
    path(
        "application/<str:token>/confirm/",
        applicant_views.confirm_email,
        name="applicant_confirm",
    ),
]
