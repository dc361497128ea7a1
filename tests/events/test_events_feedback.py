""""Did you find what you were looking for?": stored without personal data, no JS, flood-proof."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from tests.conftest import make_event
from wagtail_klimakronsj.models import PageFeedback

pytestmark = pytest.mark.usefixtures("english")


URL = "/klimakronsj/feedback/"


def test_answer_is_stored_without_personal_data(client, event):
    response = client.post(
        URL,
        {"page": event.pk, "helpful": "no", "comment": "Fann ikkje søknadsskjemaet"},
        REMOTE_ADDR="203.0.113.7",
    )
    # A plain redirect back to the page with a thank-you: no JavaScript needed.
    assert response.status_code == 303
    assert response["Location"] == f"{event.url}?feedback=thanks#kk-feedback"
    feedback = PageFeedback.objects.get()
    assert feedback.page_id == event.pk
    assert feedback.helpful is False
    assert feedback.comment == "Fann ikkje søknadsskjemaet"
    stored = " ".join(str(getattr(feedback, f.attname)) for f in PageFeedback._meta.fields)
    assert "203.0.113.7" not in stored
    assert {f.name for f in PageFeedback._meta.fields} == {
        "id", "page", "helpful", "comment", "created_at"
    }
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your feedback" in page or "kk-feedback" in page
    assert "<form method=\"post\" action=\"/klimakronsj/feedback/\"" not in page


def test_ip_only_hashed_in_the_cache(client, event):
    client.post(URL, {"page": event.pk, "helpful": "yes"}, REMOTE_ADDR="203.0.113.9")
    keys = list(cache._cache.keys())  # locmem
    assert keys
    assert not any("203.0.113.9" in key for key in keys)


def test_the_page_sets_no_cookie_and_the_form_needs_no_token(event):
    """No CSRF token: the event page sets no cookie and can be cached whole."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.get(event.url)
    html = response.content.decode()
    assert 'action="/klimakronsj/feedback/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    answer = strict.post(
        URL, {"page": event.pk, "helpful": "yes"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert answer.status_code == 303
    assert PageFeedback.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_posts_a_browser_marks_as_cross_site_are_refused(client, event, headers):
    response = client.post(URL, {"page": event.pk, "helpful": "no"}, **headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not PageFeedback.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://www.example.no"},  # in CSRF_TRUSTED_ORIGINS
        {},  # not a browser: held by the rate limit like anyone
    ],
)
def test_same_site_posts_are_taken(client, event, headers, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.no"]
    response = client.post(URL, {"page": event.pk, "helpful": "yes"}, **headers)
    assert response.status_code == 303
    assert PageFeedback.objects.count() == 1


def test_rate_limit_per_ip(client, event, settings):
    settings.WAGTAIL_KLIMAKRONSJ_FEEDBACK_RATE_LIMIT_PER_IP = (3, 3600)
    codes = [
        client.post(URL, {"page": event.pk, "helpful": "yes"}, REMOTE_ADDR="198.51.100.1").status_code
        for _ in range(5)
    ]
    assert codes == [303, 303, 303, 429, 429]
    assert PageFeedback.objects.count() == 3
    # Another address is not affected.
    other = client.post(URL, {"page": event.pk, "helpful": "no"}, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 303


def test_honeypot_is_ignored_silently(client, event):
    response = client.post(
        URL, {"page": event.pk, "helpful": "yes", "website": "http://spam.example"}
    )
    assert response.status_code == 303
    assert not PageFeedback.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"helpful": "yes"},
        {"page": "abc", "helpful": "yes"},
        {"page": "1", "helpful": "maybe"},
        {"page": "1"},
    ],
)
def test_bad_input_is_a_400(client, event, data):
    data = {**data}
    if data.get("page") == "1":
        data["page"] = event.pk
    response = client.post(URL, data)
    assert response.status_code == 400
    assert not PageFeedback.objects.exists()


def test_comment_too_long(client, event):
    response = client.post(URL, {"page": event.pk, "helpful": "no", "comment": "x" * 1001})
    assert response.status_code == 400
    assert not PageFeedback.objects.exists()


def test_only_live_pages(client, root_page, event):
    draft = make_event(root_page, title="Draft", slug="draft")
    draft.unpublish()
    response = client.post(URL, {"page": draft.pk, "helpful": "yes"})
    assert response.status_code == 404
    assert client.post(URL, {"page": 999999, "helpful": "yes"}).status_code == 404
    assert not PageFeedback.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_admin_report_counts_per_page(client, event, root_page):
    other = make_event(root_page, title="Other", slug="other")
    for helpful, comment in [("yes", ""), ("yes", "Bra"), ("no", "<b>Manglar dato</b>")]:
        client.post(URL, {"page": event.pk, "helpful": helpful, "comment": comment})
    client.post(URL, {"page": other.pk, "helpful": "no"})
    user_model = get_user_model()
    editor = user_model.objects.create_user("editor", "e@example.org", "pw")
    client.force_login(editor)
    assert client.get("/admin/klimakronsj/feedback/").status_code in (302, 403)

    admin = user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/klimakronsj/feedback/")
    assert response.status_code == 200
    rows = response.context["rows"]
    by_page = {row["page_id"]: row for row in rows}
    assert (by_page[event.pk]["yes"], by_page[event.pk]["no"]) == (2, 1)
    assert (by_page[other.pk]["yes"], by_page[other.pk]["no"]) == (0, 1)
    assert [c.comment for c in by_page[event.pk]["comments"]] == ["<b>Manglar dato</b>", "Bra"]
    html = response.content.decode()
    assert "&lt;b&gt;Manglar dato&lt;/b&gt;" in html
    detail = client.get(f"/admin/klimakronsj/feedback/{event.pk}/")
    assert detail.status_code == 200
    assert detail.context["counts"] == {"yes": 2, "no": 1}
