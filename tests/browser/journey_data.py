"""Data a browser journey needs, made in the browser-test server's database.

Run in a process of its own with the server's environment (``run()`` in
test_post_journeys.py starts it): ``python -m tests.browser.journey_data NAME JSON``
calls ``NAME(**JSON)`` and prints its JSON result. Never imported by pytest itself.
"""

import datetime
import json
import sys
import time
import uuid

import django

django.setup()  # a process of its own, with the server's settings

from django.core import signing  # noqa: E402
from django.utils import timezone  # noqa: E402

from wagtail_klimakronsj import links  # noqa: E402
from wagtail_klimakronsj.demo.events import get_or_create_home  # noqa: E402
from wagtail_klimakronsj.models import Application, Municipality  # noqa: E402
from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage  # noqa: E402
from wagtail_klimakronsj.timezone import local_zone  # noqa: E402

from ..conftest import make_event  # noqa: E402


def event(slug, *, seat_limit=30, embed=True, sessions=2, **fields):
    """A published event open for applications (the organiser reviews each, unless
    ``fields`` say otherwise: ``seat_policy``, ``confirm_email`` ...), with ``sessions``
    morning sessions and a form page; ``embed`` shows the form on it."""
    home = get_or_create_home()
    today = timezone.localtime(timezone.now(), local_zone()).date()
    first = today + datetime.timedelta(days=60)
    page = make_event(
        home,
        title=f"Klimakrønsj {slug}",
        slug=slug,
        sessions=[
            (first + datetime.timedelta(days=day), datetime.time(9), datetime.time(13))
            for day in range(sessions)
        ],
        seat_limit=seat_limit,
        applications_open_date=today - datetime.timedelta(days=1),
        application_deadline_date=today + datetime.timedelta(days=30),
        embed_application_form=embed,
        **fields,
    )
    form_page = ApplicationFormPage(
        title="Søk om plass", slug="sok", event=page, privacy_statement_url="https://example.org/p/"
    )
    page.add_child(instance=form_page)
    form_page.save_revision().publish()
    page = EventPage.objects.get(pk=page.pk)
    page.application_page = form_page
    page.save_revision().publish()
    return {
        "event": page.pk,
        "event_path": page.get_url(),
        "form": form_page.pk,
        "form_path": ApplicationFormPage.objects.get(pk=form_page.pk).get_url(),
    }


def seed(event_id, prefix, count, status="pending"):
    """``count`` applications from as many municipalities, both roles; oldest first."""
    municipalities = list(Municipality.objects.filter(active=True).order_by("number")[:count])
    submitted = timezone.now() - datetime.timedelta(days=1)
    rows = []
    for i in range(count):
        email = f"{prefix}-{i}@example.org"
        rows.append(
            Application.objects.create(
                event_id=event_id,
                full_name=f"{prefix.title()} Person {i}",
                email=email,
                municipality=municipalities[i],
                role="elected" if i % 3 == 0 else "employee",
                status=status,
                submitted_at=submitted + datetime.timedelta(seconds=i),
                consent_given_at=submitted,
                language="nn",
            )
        )
    return [{"pk": a.pk, "email": a.email, "name": a.full_name} for a in rows]


class _PastSigner(signing.TimestampSigner):
    days_ago = 0

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.days_ago * 86400)


def expired_link(application_id):
    """The applicant's link as signed a day longer ago than a link stays valid."""
    signer = _PastSigner(salt=links.MANAGE_SALT)
    signer.days_ago = links.settings.MANAGE_LINK_MAX_AGE_DAYS + 1
    token = signer.sign(str(application_id))
    return {"path": f"/klimakronsj/application/{token}/"}


def journeys(specs):
    """Each test's own event, applications and expired link, made in one process:
    ``{name: {"event": {...}, "seed": {...}, "expired_link": True}}``."""
    made = {}
    for name, spec in specs.items():
        tag = f"{name}-{uuid.uuid4().hex[:6]}"
        data = event(f"post-{tag}", **spec.get("event", {}))
        data["people"] = seed(data["event"], tag, **spec["seed"]) if "seed" in spec else []
        if spec.get("expired_link"):
            data["expired"] = expired_link(data["people"][0]["pk"])["path"]
        made[name] = data
    return made


if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps({"result": globals()[name](**arguments)}))  # noqa: T201
