"""The desk's admin URLs (namespace ``wagtail_klimakronsj_desk``, under
``/admin/klimakronsj/``); every view needs admin access."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.auth import require_admin_access

from .views.attendance import attendance_export, attendance_view
from .views.common import NAMESPACE
from .views.decisions import decide_view
from .views.groups import groups_export, groups_view
from .views.home import desk_home, event_view
from .views.personal_data import personal_data_view
from .views.pool import pool_view


def _wrap(view):
    return require_admin_access(view)


desk_urlpatterns = [
    path("", _wrap(desk_home), name="home"),
    path("decide/", _wrap(decide_view), name="decide"),
    path("personal-data/", _wrap(personal_data_view), name="personal_data"),
    path("events/<int:event_id>/", _wrap(event_view), name="event"),
    path("events/<int:event_id>/pool/", _wrap(pool_view), name="pool"),
    path("events/<int:event_id>/groups/", _wrap(groups_view), name="groups"),
    path(
        "events/<int:event_id>/groups/export/<str:fmt>/",
        _wrap(groups_export),
        name="groups_export",
    ),
    path("events/<int:event_id>/attendance/", _wrap(attendance_view), name="attendance"),
    path(
        "events/<int:event_id>/attendance/export/<str:fmt>/",
        _wrap(attendance_export),
        name="attendance_export",
    ),
]


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("klimakronsj/", include((desk_urlpatterns, NAMESPACE), namespace=NAMESPACE))]
