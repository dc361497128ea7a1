"""What the desk's group and attendance forms refuse: a value that is no choice of the
page is a 400 that says what is wrong, and nothing of the POST is stored."""

from tests import desk_helpers
from tests.conftest import make_event
from tests.desk_helpers import seed
from wagtail_klimakronsj.models import Attendance, ParticipantGroup

organiser = desk_helpers.organiser


def groups_url(event):
    return f"/admin/klimakronsj/events/{event.pk}/groups/"


def test_a_group_of_another_event_is_refused_and_nothing_saved(client, root_page, event, organiser):
    members = seed(event, 6, status="accepted")
    other = make_event(root_page, title="Anna verkstad")
    foreign = ParticipantGroup.objects.create(event=other, number=1)
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    (group,) = ParticipantGroup.objects.filter(event=event)
    response = client.post(
        groups_url(event),
        {
            "action": "save",
            f"facilitator_name-{group.pk}": "Kari",
            f"group-{members[0].pk}": str(foreign.pk),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_group-{members[0].pk}"' in html
    assert "Vel ei av gruppene til dette arrangementet frå lista" in html
    group.refresh_from_db()
    members[0].refresh_from_db()
    assert group.facilitator_name == "" and members[0].group_id == group.pk


def test_a_facilitator_name_too_long_is_a_field_error(client, event, organiser):
    seed(event, 6, status="accepted")
    client.force_login(organiser)
    client.post(groups_url(event), {"action": "propose"})
    (group,) = ParticipantGroup.objects.filter(event=event)
    response = client.post(
        groups_url(event), {"action": "save", f"facilitator_name-{group.pk}": "K" * 201}
    )
    assert response.status_code == 400
    assert f"facilitator_name-{group.pk}" in response.context["errors"]
    assert 'value="' + "K" * 201 + '"' in response.content.decode()  # what was typed stays
    group.refresh_from_db()
    assert group.facilitator_name == ""


def test_an_unknown_group_action_stores_nothing(client, event, organiser):
    seed(event, 6, status="accepted")
    client.force_login(organiser)
    response = client.post(groups_url(event), {"action": "propose²"}, follow=True)
    assert [str(m).strip() for m in response.context["messages"]] == ["Ukjend handling."]
    assert not ParticipantGroup.objects.exists()


def test_attendance_of_someone_not_accepted_is_refused(client, event, organiser):
    accepted = seed(event, 2, status="accepted")
    (pending,) = seed(event, 1, start=10, status="pending")[2:]
    first, second = event.sessions
    client.force_login(organiser)
    url = f"/admin/klimakronsj/events/{event.pk}/attendance/"
    response = client.post(
        url,
        {f"present-{first.pk}": [accepted[0].pk, pending.pk], f"present-{second.pk}": ["²"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ingenting vart lagra." in html
    assert "Kryss berre av deltakarar med plass" in html
    assert not Attendance.objects.exists()
