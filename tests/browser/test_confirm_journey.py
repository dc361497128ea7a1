"""The email confirmation of a first-come event, clicked through in headless Chromium.

An event whose applicants must confirm their email address: the applicant applies,
the receipt says a seat is held until a time, and the link in the receipt email opens
a page with one button. Opening it (a GET, as a mail scanner does) changes nothing;
the click is a POST with the page's real ``Origin`` that makes the seat the
applicant's. The pages pass axe (WCAG 2.0-2.2 A/AA) under the strict CSP, and the
confirmation page reads at 320 px without scrolling sideways, as on a phone.
"""

import re
import uuid

import pytest

from .conftest import audit, load
from .post_helpers import application_by_email, new_context, query, run, status_of, submit
from .test_post_journeys import apply
from .test_reflow import assert_reflows

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/klimakronsj/application/[^/\s]+/confirm/")


@pytest.fixture(scope="module")
def made(server):
    spec = {"seat_limit": 2, "seat_policy": "first_come", "confirm_email": True}
    return run(server, "journeys", specs={"confirm": {"event": spec}})["confirm"]


def confirm_link(server, address):
    (receipt,) = server.emails_to(address)
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    (link,) = set(CONFIRM_LINK.findall(text))
    return link


def confirmed_at(server, pk):
    ((when,),) = query(
        server, "SELECT email_confirmed_at FROM wagtail_klimakronsj_application WHERE id = ?", pk
    )
    return when


def test_confirm_the_email_address_from_the_receipt(chromium, narrow, server, made, artifacts):
    address = f"confirm-{uuid.uuid4().hex[:6]}@example.org"
    context, page = new_context(chromium, server)
    try:
        pk, status, event_id = apply(page, server, made["form_path"], address)
        assert (status, event_id) == ("unconfirmed", made["event"])
        assert "/receipt/" in page.url
        notice = page.locator(".kk-receipt .kk-notice--success").inner_text()
        assert "Ein plass er halden av til deg til " in notice
        audit(page, "confirm-receipt-nn", artifacts)
    finally:
        context.close()

    # The link in the email: a GET shows the button and changes nothing.
    link = confirm_link(server, address)
    load(narrow, link)
    assert narrow.locator("h1").inner_text() == "Stadfest e-postadressa di"
    button = narrow.get_by_role("button", name="Stadfest e-postadressa mi")
    assert button.is_visible()
    assert (status_of(server, pk), confirmed_at(server, pk)) == ("unconfirmed", None)
    assert_reflows(narrow, "confirm-email-nn", artifacts)
    load(narrow, link)  # opened again (a mail scanner, a second look): still nothing
    assert (status_of(server, pk), confirmed_at(server, pk)) == ("unconfirmed", None)

    # The click: a POST with the page's Origin, then the page says so.
    submit(narrow, narrow.get_by_role("button", name="Stadfest e-postadressa mi"), server)
    assert narrow.url.endswith("/confirm/?confirmed=1")
    assert narrow.locator(".kk-notice--success").inner_text() == "E-postadressa di er stadfesta."
    assert narrow.evaluate("document.activeElement.tagName") == "H1"  # focus on the new page
    assert narrow.get_by_role("button").count() == 0
    assert status_of(server, pk) == "accepted"
    assert confirmed_at(server, pk) is not None
    assert application_by_email(server, address)[1] == "accepted"
    assert_reflows(narrow, "confirm-email-done-nn", artifacts)
