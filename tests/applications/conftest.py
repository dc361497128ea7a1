"""Fixtures shared by the application tests (form, seats, confirmation, mail)."""

import pytest
from django.test import Client

from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.models import SeatPolicy


@pytest.fixture
def client():
    """Pages in English, so assertions read the package's own strings."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def first_come(root_page):
    """Two seats, first come first served. A module that needs another event
    (one seat, an organiser's address) defines its own ``first_come``."""
    event = make_event(root_page, seat_limit=2, seat_policy=SeatPolicy.FIRST_COME)
    return event, make_form_page(root_page, event, title="Søk no")
