"""Retention purge and access / erasure requests."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests import desk_helpers
from tests.conftest import make_event
from tests.desk_helpers import seed
from wagtail_klimakronsj.applications import retention, seats
from wagtail_klimakronsj.applications.selection import pool_overview
from wagtail_klimakronsj.models import (
    Application,
    ApplicationStatus,
    Notification,
    ParticipantGroup,
)

organiser = desk_helpers.organiser
viewer = desk_helpers.viewer


def past_event(root_page, days_ago, **fields):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return make_event(
        root_page,
        sessions=[(day, datetime.time(9), datetime.time(13))],
        application_deadline_date=day - datetime.timedelta(days=10),
        **fields,
    )


def personal_fields(application):
    return [
        application.full_name,
        application.email,
        application.email_key,
        application.phone,
        application.organisation,
        application.position,
        application.interests,
        application.accessibility_needs,
    ]


@pytest.fixture
def old_event(root_page):
    event = past_event(root_page, 200, title="Old workshop")
    apps = seed(event, 4, phone="+47 1", position="Rådgjevar", interests="Flaum",
                accessibility_needs="Rullestol", extra_answers={"q": "svar"})
    seats.decide(event, [apps[0].pk, apps[1].pk], ApplicationStatus.ACCEPTED)
    Notification.objects.create(
        kind="accepted", application=apps[0], to=[apps[0].email], subject="Velkomen Person 0",
        body_text="Hei Person 0", dedupe_key="x0",
    )
    group = ParticipantGroup.objects.create(
        event=event, number=1, facilitator_name="Kari", facilitator_email="kari@example.org"
    )
    Application.objects.filter(pk=apps[0].pk).update(group=group)
    return event


def test_purge_erases_after_the_period_and_keeps_counts(old_event, root_page):
    recent = past_event(root_page, 10, title="Recent")
    seed(recent, 2, start=100)
    counts_before = pool_overview(old_event.pk)

    report = retention.purge()
    assert [(e.pk, n) for e, _due, n in report.events] == [(old_event.pk, 4)]

    for application in Application.objects.filter(event=old_event):
        assert application.erased_at is not None
        assert not any(personal_fields(application))
        assert application.extra_answers == {}
        assert application.municipality_id and application.role and application.status
    assert pool_overview(old_event.pk) == counts_before  # counts by municipality and role stay
    notification = Notification.objects.get()
    assert notification.to == [] and notification.body_text == "" and notification.subject == ""
    group = ParticipantGroup.objects.get()
    assert group.facilitator_name == "" and group.facilitator_email == ""
    labels = ModelLogEntry.objects.filter(object_id__in=[str(a.pk) for a in Application.objects.filter(event=old_event)])
    assert not any("Person" in e.label or "example.org" in e.label for e in labels)
    assert labels.filter(action="wagtail_klimakronsj.erase").count() == 4
    # the recent event is untouched
    assert Application.objects.filter(event=recent, erased_at__isnull=True).count() == 2


def test_purge_twice_is_idempotent(old_event):
    assert retention.purge().total == 4
    erased_at = set(Application.objects.values_list("erased_at", flat=True))
    assert retention.purge().total == 0
    assert set(Application.objects.values_list("erased_at", flat=True)) == erased_at
    assert ModelLogEntry.objects.filter(action="wagtail_klimakronsj.erase").count() == 4


def test_event_override_and_setting(root_page, old_event):
    kept = past_event(root_page, 200, title="Kept longer", retention_days=365)
    seed(kept, 1, start=200)
    with override_settings(WAGTAIL_KLIMAKRONSJ_RETENTION_DAYS=300):
        assert retention.purge().total == 0
    assert retention.purge().total == 4  # default 180 days: the old event only
    assert Application.objects.filter(event=kept, erased_at__isnull=True).count() == 1


def test_command_dry_run_and_run(old_event, capsys):
    call_command("klimakronsj_purge", "--dry-run")
    out = capsys.readouterr().out
    assert "Would erase 4" in out
    assert Application.objects.filter(erased_at__isnull=True).count() == 4
    call_command("klimakronsj_purge")
    assert "Erased 4 application(s) in total" in capsys.readouterr().out
    call_command("klimakronsj_purge")
    assert "Erased 0 application(s) in total" in capsys.readouterr().out


def test_erased_applications_cannot_be_decided(old_event):
    retention.purge()
    ids = list(Application.objects.values_list("pk", flat=True))
    changes, refusals = seats.decide(old_event, ids, ApplicationStatus.DECLINED)
    assert changes == []


# -- access and erasure requests from the admin ----------------------------------------

URL = "/admin/klimakronsj/personal-data/"


def test_access_request_downloads_everything_and_is_logged(client, root_page, event, organiser):
    other = make_event(root_page, title="Second")
    (a,) = seed(event, 1)
    Application.objects.create(
        event=other, full_name="Person 0", email="Person0@Example.org ", role="elected"
    )
    Notification.objects.create(kind="receipt", application=a, to=[a.email], subject="Kvittering", body_text="t")
    seats.decide(event, [a.pk], ApplicationStatus.ACCEPTED, user=organiser)
    client.force_login(organiser)
    response = client.get(URL, {"email": " PERSON0@example.org"})
    assert len(response.context["applications"]) == 2
    response = client.post(URL, {"email": "person0@example.org", "action": "export"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {x["event"]["title"] for x in data["applications"]} == {"Klimakrønsj", "Second"}
    first = next(x for x in data["applications"] if x["id"] == a.pk)
    assert first["emails"][0]["subject"] == "Kvittering"
    assert [h["action"] for h in first["history"]] == ["wagtail_klimakronsj.accept"]
    assert first["history"][0]["by"] == organiser.get_username()
    entries = ModelLogEntry.objects.filter(action="wagtail_klimakronsj.export_personal_data")
    assert entries.count() == 2 and {e.user_id for e in entries} == {organiser.pk}


def test_erasure_request_confirms_then_erases_and_logs(client, event, organiser):
    a, b = seed(event, 2)
    client.force_login(organiser)
    response = client.post(URL, {"email": a.email, "action": "erase"})
    assert response.status_code == 200 and response.context["confirm_erase"]
    assert Application.objects.filter(erased_at__isnull=True).count() == 2
    response = client.post(URL, {"email": a.email, "action": "erase", "confirm": "1"})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.erased_at and not a.full_name and not a.email
    assert b.erased_at is None
    entry = ModelLogEntry.objects.get(action="wagtail_klimakronsj.erase")
    assert entry.user_id == organiser.pk and entry.data == {"reason": "request"}


def test_viewer_can_export_but_not_erase(client, event, viewer):
    (a,) = seed(event, 1)
    client.force_login(viewer)
    assert client.post(URL, {"email": a.email, "action": "export"}).status_code == 200
    response = client.post(URL, {"email": a.email, "action": "erase", "confirm": "1"})
    assert response.status_code in (302, 403)
    a.refresh_from_db()
    assert a.erased_at is None


def test_unknown_email_is_a_message(client, organiser, db):
    client.force_login(organiser)
    response = client.post(URL, {"email": "nobody@example.org", "action": "export"})
    assert response.status_code == 200
    assert response.context["applications"] == []
