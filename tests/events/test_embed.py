"""The application form embedded on the event page (the editor's choice)."""

import re

from tests.apply_helpers import form_data
from wagtail_klimakronsj.models import Application


def test_form_is_not_embedded_by_default(client, event, form_page):
    html = client.get(event.url).content.decode()
    assert 'name="form_token"' not in html
    assert form_page.url in html  # the link to the form page is there


def test_embedded_form_posts_to_the_form_page(client, event, form_page, oslo):
    event.embed_application_form = True
    event.save_revision().publish()
    html = client.get(event.url).content.decode()
    actions = re.findall(r'<form[^>]*class="kk-form"[^>]*action="([^"]+)"', html)
    assert actions == [form_page.url]
    assert 'name="csrfmiddlewaretoken"' in html and 'name="form_token"' in html

    data = form_data(form_page, event, municipality=str(oslo.pk), email="embed@example.org")
    response = client.post(form_page.url, data)
    assert response.status_code == 302
    assert Application.objects.filter(email="embed@example.org", event_id=event.pk).exists()


def test_embedded_form_hidden_when_closed(client, root_page):
    import datetime

    from django.utils import timezone

    from tests.conftest import make_event, make_form_page

    past_deadline = timezone.localdate() - datetime.timedelta(days=1)
    closed = make_event(
        root_page, title="Stengt", application_deadline_date=past_deadline, embed_application_form=True
    )
    make_form_page(root_page, closed, title="Skjema")
    html = client.get(closed.url).content.decode()
    assert 'name="form_token"' not in html
