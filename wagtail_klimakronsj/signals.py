"""Signals a site can listen to.

``application_submitted(sender=Application, application, request)``
    Sent after an application is committed (not before: the row exists).
``application_status_changed(sender=Application, application, old_status, new_status, user)``
    Sent after a decision (accept, waitlist, decline, withdraw, promotion) is committed.
"""

from django.dispatch import Signal

application_submitted = Signal()
application_status_changed = Signal()
