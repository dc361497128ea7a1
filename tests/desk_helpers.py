"""Shared fixtures and factories for the organiser's desk tests."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from wagtail_klimakronsj.models import Application, Municipality

LIST_URL = "/admin/wagtail_klimakronsj/application/"


def seed(event, count, *, municipalities=None, start=0, status="pending", **fields):
    """bulk_create ``count`` applications spread over municipalities and both roles."""
    if municipalities is None:
        municipalities = list(Municipality.objects.order_by("number")[:40])
    base = timezone.now() - datetime.timedelta(days=10)
    rows = []
    for i in range(start, start + count):
        email = f"person{i}@example.org"
        rows.append(
            Application(
                event_id=event.pk,
                full_name=f"Person {i}",
                email=email,
                email_key=email,
                municipality=municipalities[i % len(municipalities)] if municipalities else None,
                role="elected" if i % 3 == 0 else "employee",
                status=status,
                submitted_at=base + datetime.timedelta(seconds=i),
                **fields,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    return list(Application.objects.filter(event_id=event.pk).order_by("submitted_at", "pk"))


def make_user(username, *codenames, page=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    group = Group.objects.create(name=f"g-{username}")
    perms = [Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")]
    perms += [Permission.objects.get(codename=c, content_type__app_label="wagtail_klimakronsj") for c in codenames]
    group.permissions.add(*perms)
    if page is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=page, permission=Permission.objects.get(codename=codename)
            )
    user.groups.add(group)
    return user


@pytest.fixture
def organiser(db):
    return make_user("organiser", "view_personal_data", "decide_application")


@pytest.fixture
def viewer(db):
    return make_user("viewer", "view_personal_data")


@pytest.fixture
def editor(root_page):
    return make_user("editor", page=root_page)


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))
