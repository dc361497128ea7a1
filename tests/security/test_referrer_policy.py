"""No page of the package with a POST form sends a referrer policy that breaks the POST.

Under ``Referrer-Policy: no-referrer`` (from the header, a ``<meta name="referrer">``
or ``rel="noreferrer"`` on the form) a browser sends ``Origin: null`` with every form
POST, even to the same page, and Django's CSRF check refuses it (403). This test opens
every public and admin page of the package, finds its POST forms and submits each one
as a browser would under the page's policy, through the CSRF check.
"""

import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.apply_helpers import form_data
from tests.conftest import make_event, make_form_page
from tests.desk_helpers import seed
from wagtail_klimakronsj import links
from wagtail_klimakronsj.checks import (
    NULL_ORIGIN_POLICIES,
    check_referrer_policy,
    effective_referrer_policy,
)
from wagtail_klimakronsj.groups.service import propose_groups
from wagtail_klimakronsj.models import ApplicationStatus, Municipality, PageFeedback

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


class Forms(HTMLParser):
    """The POST forms of a page (action, rel, fields as a browser sends them) and the
    policies of its ``<meta name="referrer">`` tags."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.meta_policies, self._form = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").lower() == "referrer":
            self.meta_policies.append(attrs.get("content") or "")
        elif tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action") or "", "rel": attrs.get("rel") or ""}
                self._form["fields"], self._form["button"] = [], None
                self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button", "textarea", "select"):
            name, kind = attrs.get("name") or "", (attrs.get("type") or "").lower()
            if "disabled" in attrs:
                return
            if (tag == "button" and kind in ("", "submit")) or kind == "submit":
                if self._form["button"] is None:  # the first one is the one clicked
                    self._form["button"] = (name, attrs.get("value") or "")
            elif not name or tag == "button":
                return
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value") or "on"))
            elif tag == "input":
                self._form["fields"].append((name, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def browser_post(client, page_url, response, form):
    """Submit ``form`` of the page at ``page_url`` as a browser does under its policy."""
    if "noreferrer" in form["rel"].lower().split():
        policy = "no-referrer"
    else:
        meta = Forms(response.content.decode()).meta_policies
        policy = effective_referrer_policy(response.get("Referrer-Policy", ""), *meta)
        policy = policy or "strict-origin-when-cross-origin"  # the browsers' default
    action = urlsplit(urljoin(ORIGIN + page_url, form["action"] or page_url))
    assert action.netloc == "testserver", action
    data = {}
    for name, value in form["fields"] + [form["button"] or ("", "")]:
        if name:
            data.setdefault(name, []).append(value)
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin"}
    if policy in NULL_ORIGIN_POLICIES:
        headers["HTTP_ORIGIN"] = "null"
    else:
        headers.update(HTTP_ORIGIN=ORIGIN, HTTP_REFERER=ORIGIN + page_url)
    path = action.path + (f"?{action.query}" if action.query else "")
    return policy, client.post(path, data, **headers)


@pytest.fixture
def site(root_page, monkeypatch):
    event = make_event(root_page, embed_application_form=True)
    form_page = make_form_page(root_page, event)
    seed(event, 6, status=ApplicationStatus.ACCEPTED)
    pending = seed(event, 2, start=100)[-2:]  # seed() returns all the event's
    propose_groups(event)
    PageFeedback.objects.create(page_id=event.pk, helpful=False, comment="Kor?")
    with monkeypatch.context() as past:  # a link signed longer ago than links last
        days = links.settings.MANAGE_LINK_MAX_AGE_DAYS + 1
        now = time.time()
        past.setattr("time.time", lambda: now - days * 86400)
        expired = links.manage_path(pending[1])
    return event, form_page, pending[0], expired


def post(client, url, data=None):
    """A POST with the client's CSRF token, as from a page of the site."""
    data = {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data, HTTP_ORIGIN=ORIGIN)


def public_pages(client, event, form_page, application, expired):
    """Every public page with a POST form, and the pages a POST answers with."""
    pages = [event.url, form_page.url, links.manage_path(application), expired]
    pages = [(url, client.get(url)) for url in pages]
    pages.append((form_page.url, post(client, form_page.url, {"full_name": "Kari"})))
    own = links.manage_path(application)
    pages.append((own, post(client, own)))  # withdraw without the tick
    oslo = Municipality.objects.get(number="0301").pk
    sent = post(client, form_page.url, form_data(form_page, event, municipality=oslo))
    assert sent.status_code == 302, sent.content.decode()[:300]
    pages.append((sent["Location"], client.get(sent["Location"])))
    renewed = post(client, expired + "renew/")
    assert renewed.status_code == 302 and renewed["Location"].endswith("renew/?sent=1")
    pages.append((expired + "renew/", renewed))
    pages.append((renewed["Location"], client.get(renewed["Location"])))
    pages.append(("/klimakronsj/feedback/", post(client, "/klimakronsj/feedback/", {"page": "x"})))
    return pages


def admin_pages(client, event, application):
    """Every page of the organiser's desk and reports, and those a POST answers with."""
    desk = f"/admin/klimakronsj/events/{event.pk}/"
    urls = [
        "/admin/klimakronsj/",
        f"/admin/wagtail_klimakronsj/application/?event={event.pk}",
        f"/admin/wagtail_klimakronsj/application/inspect/{application.pk}/",
        desk,
        f"{desk}pool/?propose=1&balance_roles=1",
        f"{desk}groups/",
        f"{desk}attendance/",
        f"/admin/klimakronsj/personal-data/?email={application.email}",
        "/admin/klimakronsj/feedback/",
        f"/admin/klimakronsj/feedback/{event.pk}/",
    ]
    pages = [(url, client.get(url)) for url in urls]
    decide = "/admin/klimakronsj/decide/"
    pages.append((decide, post(client, decide, {"selected": application.pk, "decision": "accepted"})))
    erase = "/admin/klimakronsj/personal-data/"
    pages.append((erase, post(client, erase, {"email": application.email, "action": "erase"})))
    return pages


def check(client, pages):
    """Each page answers, and each of its POST forms gets past the CSRF check."""
    seen = 0
    for url, response in pages:
        assert response.status_code < 500, url
        parsed = Forms(response.content.decode())
        for form in parsed.forms:
            policy, answer = browser_post(client, url, response, form)
            assert policy not in NULL_ORIGIN_POLICIES, (
                f"{url} has a POST form to {form['action'] or 'itself'} and the referrer "
                f"policy {policy!r}: browsers post it with Origin: null"
            )
            assert answer.status_code != 403, f"a POST form on {url} is refused (403)"
            seen += 1
    return seen


def test_every_public_post_form_gets_past_the_csrf_check(site):
    event, form_page, application, expired = site
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    pages = public_pages(client, event, form_page, application, expired)
    # the event page's embedded form and feedback box, the form page (twice), the
    # withdrawal (twice), the expired link's "send me a new link"
    assert check(client, pages) >= 7
    for url, response in pages:
        if "/application/" in url or "/receipt/" in url:
            assert response["Referrer-Policy"] == links.PRIVATE_REFERRER_POLICY, url
            assert response["Cache-Control"] == "private, no-store", url


def test_every_desk_post_form_gets_past_the_csrf_check(site):
    event, _form_page, application, _expired = site
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        get_user_model().objects.create_superuser("organiser", "o@example.org", "pw")
    )
    # the list's bulk decision, the three decisions of one, the pool's proposal, the
    # groups' actions and their save, attendance, personal data's export/erase, the
    # decision's confirmation, the erasure's confirmation
    assert check(client, admin_pages(client, event, application)) >= 11


def test_the_check_catches_a_no_referrer_page(site, monkeypatch):
    """Control: with the old policy the applicant's own page fails the check above."""
    event, form_page, application, expired = site
    monkeypatch.setattr(links, "PRIVATE_REFERRER_POLICY", "no-referrer")
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    own = links.manage_path(application)
    response = client.get(own)
    (form,) = Forms(response.content.decode()).forms
    policy, answer = browser_post(client, own, response, form)
    assert (policy, answer.status_code) == ("no-referrer", 403)
    with pytest.raises(AssertionError, match="Origin: null"):
        check(client, public_pages(client, event, form_page, application, expired))


@pytest.mark.parametrize(
    ("value", "warned"),
    [
        ("no-referrer", True),
        (["origin", "no-referrer"], True),
        ("no-referrer, strict-origin-when-cross-origin", False),
        ("no-referrer, not-a-policy", True),
        ("same-origin", False),
        ("", False),
    ],
)
def test_system_check_warns_of_a_site_wide_no_referrer(settings, value, warned):
    settings.SECURE_REFERRER_POLICY = value
    assert [w.id for w in check_referrer_policy()] == (["wagtail_klimakronsj.W005"] * warned)
