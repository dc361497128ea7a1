import os
import time

from django.apps import AppConfig


class BenchsiteConfig(AppConfig):
    name = "bench.benchsite"
    label = "benchsite"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        delay = float(os.environ.get("BENCH_DECISION_DELAY", "0") or 0)
        if delay:
            widen_the_race_window(delay)
        if os.environ.get("BENCH_SEAT_LOCKING", "1") == "0":
            take_the_lock_away()


def take_the_lock_away():
    """The control run of the seat rush: the seat policy without its row lock (the
    package has no setting for it), so the rush must oversell."""
    from wagtail_klimakronsj.applications import seats

    seats.lock_event = lambda event_id: None


def widen_the_race_window(delay):
    """Wait ``delay`` seconds between counting the seats and deciding, as a slow request
    would (the seat rush sets it for both its locked run and its control run, like
    tests/applications/test_seats_postgres.py does): without the lock, the race is then certain to
    show; with the lock, the count is still right."""
    from wagtail_klimakronsj.applications import seats

    original = seats._room_for

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(delay)
        return result

    seats._room_for = slow
