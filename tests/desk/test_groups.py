import random
import re

import pytest

from tests import desk_helpers
from tests.desk_helpers import seed
from wagtail_klimakronsj.groups import grouping
from wagtail_klimakronsj.groups.grouping import Person, clashes, form_groups, group_sizes
from wagtail_klimakronsj.models import (
    Application,
    Notification,
    NotificationKind,
    ParticipantGroup,
)


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, []),
        (1, [1]),
        (4, [4]),
        (5, [5]),
        (6, [6]),
        (7, [7]),  # two groups of >= 5 are impossible: one group of 7
        (8, [8]),
        (9, [9]),
        (10, [5, 5]),
        (11, [6, 5]),
        (12, [6, 6]),
        (13, [7, 6]),
        (14, [7, 7]),
        (19, [7, 6, 6]),
        (20, [5, 5, 5, 5]),
        (49, [6, 6, 6, 6, 5, 5, 5, 5, 5]),
        (50, [6, 6, 6, 6, 6, 5, 5, 5, 5]),
    ],
)
def test_group_sizes(count, sizes):
    assert group_sizes(count) == sizes
    assert sum(sizes) == count


def test_every_count_from_20_up_is_regular():
    for count in range(20, 400):
        sizes = group_sizes(count)
        assert grouping.sizes_are_regular(sizes), count
        assert max(sizes) - min(sizes) <= 1


def test_no_group_below_five_once_there_are_five():
    for count in range(5, 400):
        assert min(group_sizes(count)) >= 5, count


def pool(count, municipalities, counties=4, seed=0):
    rng = random.Random(seed)
    people = []
    for i in range(count):
        m = rng.randrange(municipalities)
        people.append(
            Person(
                id=i,
                municipality=f"m{m}",
                county=f"c{m % counties}",
                role=rng.choice(["employee", "elected"]),
                order=i,
            )
        )
    return people


def check_invariants(people, groups):
    assert sorted(p.id for g in groups for p in g) == sorted(p.id for p in people)
    assert [len(g) for g in groups] == group_sizes(len(people))
    k = len(groups)
    by_municipality = {}
    by_county = {}
    for p in people:
        by_municipality.setdefault(p.municipality, 0)
        by_municipality[p.municipality] += 1
        by_county.setdefault(p.county, 0)
        by_county[p.county] += 1
    for group in groups:
        for municipality, total in by_municipality.items():
            # at most ceil(total / k): nobody shares a group with someone from their
            # municipality whenever the municipality has no more people than groups
            assert sum(p.municipality == municipality for p in group) <= -(-total // k)
        for county, total in by_county.items():
            assert sum(p.county == county for p in group) <= -(-total // k)


@pytest.mark.parametrize("count", [1, 4, 5, 7, 9, 11, 13, 19, 23, 49, 50, 51, 97])
@pytest.mark.parametrize("seed", range(5))
def test_random_pools_keep_the_invariants(count, seed):
    people = pool(count, municipalities=max(1, count // 2), seed=seed)
    check_invariants(people, form_groups(people))


def test_fifty_from_fifty_municipalities_never_clash():
    people = pool(50, municipalities=10**6, seed=3)
    people = [Person(id=p.id, municipality=f"m{p.id}", county=p.county, role=p.role) for p in people]
    assert clashes(form_groups(people)) == 0


def test_no_clash_when_no_municipality_outnumbers_the_groups():
    # 9 groups for 50; Oslo sends 9, others 1-3: nobody meets a colleague
    people = [Person(id=i, municipality="0301", county="Oslo") for i in range(9)]
    people += [Person(id=100 + i, municipality=f"m{i % 20}", county=f"c{i % 5}") for i in range(41)]
    groups = form_groups(people)
    assert len(groups) == 9
    assert clashes(groups) == 0


def test_unavoidable_clashes_are_spread():
    people = [Person(id=i, municipality="0301") for i in range(12)]  # 2 groups of 6
    groups = form_groups(people)
    assert [len(g) for g in groups] == [6, 6]


def test_deterministic():
    people = pool(37, municipalities=15, seed=9)
    first = [[p.id for p in g] for g in form_groups(people)]
    second = [[p.id for p in g] for g in form_groups(list(reversed(people)))]
    assert first == second


def test_roles_are_mixed_within_a_municipality():
    people = [Person(id=i, municipality="m", role="elected" if i % 2 else "employee", order=i) for i in range(4)]
    order = grouping.mixing_order(people)
    assert [p.role for p in order] == ["elected", "employee", "elected", "employee"]


# -- the groups desk (database and views) ------------------------------------------


organiser = desk_helpers.organiser
viewer = desk_helpers.viewer


def groups_url(event):
    return f"/admin/klimakronsj/events/{event.pk}/groups/"


@pytest.fixture
def accepted_13(event):
    return seed(event, 13, status="accepted")


def test_propose_groups_for_awkward_13(client, event, organiser, accepted_13):
    client.force_login(organiser)
    response = client.get(groups_url(event))
    assert response.status_code == 200
    assert "7, 6" in response.context["sizes_note"]
    response = client.post(groups_url(event), {"action": "propose"})
    assert response.status_code == 302
    groups = list(ParticipantGroup.objects.filter(event=event))
    assert sorted(g.members.count() for g in groups) == [6, 7]
    assert not Application.objects.filter(event=event, group__isnull=True).exists()


def test_only_accepted_participants_are_grouped(client, event, organiser):
    seed(event, 10, status="accepted")
    seed(event, 5, start=50, status="pending")
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    assert Application.objects.filter(group__isnull=False).count() == 10
    assert Application.objects.filter(status="pending", group__isnull=False).count() == 0


def test_move_set_facilitator_confirm_email_once(
    client, event, organiser, accepted_13, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    first, second = ParticipantGroup.objects.filter(event=event).order_by("number")
    mover = first.members.first()
    data = {
        "action": "save",
        f"group-{mover.pk}": str(second.pk),
        f"facilitator_name-{first.pk}": "Kari <Fasilitator>",
        f"facilitator_email-{first.pk}": "kari@example.org",
        f"facilitator_name-{second.pk}": "",
        f"facilitator_email-{second.pk}": "",
    }
    response = client.post(groups_url(event), data)
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.group_id == second.pk
    first.refresh_from_db()
    assert first.facilitator_email == "kari@example.org"
    html = client.get(groups_url(event)).content.decode()
    assert "Kari &lt;Fasilitator&gt;" in html

    # emailing before confirming is refused
    client.post(groups_url(event), {"action": "email"})
    assert not Notification.objects.exists()

    client.post(groups_url(event), {"action": "confirm"})
    assert ParticipantGroup.objects.filter(confirmed_at__isnull=True).count() == 0
    # a confirmed proposal is not replaced
    client.post(groups_url(event), {"action": "propose"})
    mover.refresh_from_db()
    assert mover.group_id == second.pk

    with django_capture_on_commit_callbacks(execute=True):
        client.post(groups_url(event), {"action": "email"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(groups_url(event), {"action": "email"})  # twice: still once each
    group_subjects = [m for m in mail.outbox if re.search(r"group|grupp[ae]", m.subject.lower())]
    assert len(group_subjects) == 14
    group_mails = Notification.objects.filter(kind=NotificationKind.GROUP)
    assert group_mails.count() == 13 + 1  # members + the one facilitator with an email
    facilitator_mail = group_mails.get(to=["kari@example.org"])
    assert "Person" in facilitator_mail.body_text
    member_mail = group_mails.get(application=mover)
    assert str(second) in member_mail.body_text


def test_bad_facilitator_email_is_a_field_error(client, event, organiser, accepted_13):
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    group = ParticipantGroup.objects.filter(event=event).first()
    response = client.post(
        groups_url(event),
        {"action": "save", f"facilitator_email-{group.pk}": "not an email"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_facilitator_email-{group.pk}"' in html
    assert 'aria-invalid="true"' in html
    group.refresh_from_db()
    assert group.facilitator_email == ""


def test_new_group_and_empty_groups_removed(client, event, organiser):
    seed(event, 9, status="accepted")
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    (only,) = ParticipantGroup.objects.filter(event=event)
    members = list(only.members.order_by("pk"))
    data = {"action": "save"}
    for member in members[:4]:
        data[f"group-{member.pk}"] = "new"
    client.post(groups_url(event), data)
    sizes = sorted(g.members.count() for g in ParticipantGroup.objects.filter(event=event))
    assert sizes == [4, 5]


def test_groups_export_and_viewer_cannot_change(client, event, viewer, organiser, accepted_13):
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    Application.objects.filter(pk=accepted_13[0].pk).update(full_name="=HYPERLINK(1)")
    response = client.get(f"{groups_url(event)}export/csv/")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.count("\n") == 14
    assert "'=HYPERLINK(1)" in body
    response = client.get(f"{groups_url(event)}export/xlsx/")
    assert response.status_code == 200
    client.force_login(viewer)
    assert client.get(groups_url(event)).status_code == 200
    response = client.post(groups_url(event), {"action": "reopen"})
    assert response.status_code in (302, 403)
    assert client.get(groups_url(event)).status_code == 200
