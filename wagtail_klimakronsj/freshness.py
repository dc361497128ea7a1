"""How an event page learns, from its own row, that something it shows has changed.

The public event page is cached per page version (``caching.page_version``: every
column of its row). Most of what it shows is saved with a publication and so changes
the row. The rest lives elsewhere: the accepted applications (seats left, status), the
application form page (the "Apply" link), view restrictions (which proposals are
public) and the edition's proposals. Each change to those stamps
``live_changed_at`` on the event's row, in the same transaction as the change, so the
next request in any process sees a new version and renders the page anew, with no
query per request to check.

Changes made through the ORM are caught by the receivers below (connected in
``AppConfig.ready``). ``QuerySet.update()`` and ``bulk_create()`` send no signals: after
changing applications, proposals or form pages that way, call
``mark_events_changed(event_ids)`` yourself. Missing a stamp never changes a decision
(seats are counted under the event's row lock when deciding); at worst the page shows
the earlier state until ``PAGE_CACHE_TIMEOUT``.
"""

from django.utils import timezone

#: Fields of a proposal that its edition's event page shows or lists by. A save that
#: names only other fields (a draft: ``save_revision``) changes nothing public.
PROPOSAL_FIELDS_SHOWN = frozenset(
    {
        "event",
        "event_id",
        "live",
        "title",
        "summary",
        "slug",
        "url_path",
        "first_published_at",
        "last_published_at",
    }
)
#: Set on an application by the seat policy when its transaction stamped the event
#: already (``seats.lock_event``: one UPDATE locks and stamps); read once by the receiver.
EVENT_STAMPED = "_klimakronsj_event_stamped"
#: Fields of an application that change what the event page shows (seats, status).
APPLICATION_FIELDS_SHOWN = frozenset({"status", "event", "event_id"})
#: Fields of an application form page the event page's "Apply" link depends on.
FORM_FIELDS_SHOWN = frozenset({"live", "slug", "url_path", "event", "event_id"})


def mark_events_changed(event_ids=None, model=None):
    """Stamp ``live_changed_at`` on these event pages, or on every event page when
    ``event_ids`` is None. ``model``: their page class, when known (one UPDATE);
    otherwise one UPDATE per event page model. Returns the number of pages stamped."""
    from .models import event_page_models

    now = timezone.now()
    stamped = 0
    if event_ids is not None:
        event_ids = {pk for pk in event_ids if pk is not None}
        if not event_ids:
            return 0
    for event_model in [model] if model is not None else event_page_models():
        rows = event_model._base_manager.all()
        if event_ids is not None:
            rows = rows.filter(pk__in=event_ids)
        stamped += rows.update(live_changed_at=now)
    return stamped


def stamp_from_receiver(event_ids):
    """Stamp these event pages from a signal receiver, without risking a deadlock.

    A receiver runs in the middle of someone else's transaction, which may go on to
    lock more rows. Waiting there for the event's row (which the seat policy locks
    first) could close a cycle with another transaction, so the row is taken only if
    it is free (``NOWAIT``, in a savepoint): then the stamp commits with the change.
    If another transaction holds it, the stamp is made right after this transaction
    commits instead (the other one stamps as well when it commits). With
    ``SEAT_LOCKING`` off (a control run, which must show the race it allows), no row is
    taken inside a transaction: the stamp always follows the commit.
    """
    from django.db import DatabaseError, connection, transaction

    from .conf import settings
    from .models import event_page_models

    ids = {pk for pk in event_ids if pk is not None}
    if not ids:
        return
    nowait = connection.features.has_select_for_update_nowait
    if not connection.in_atomic_block or not nowait:
        mark_events_changed(ids)
        return
    if not settings.SEAT_LOCKING:
        transaction.on_commit(lambda: mark_events_changed(ids), robust=True)
        return
    try:
        with transaction.atomic():  # a savepoint: a refused lock leaves the rest intact
            for model in event_page_models():
                list(
                    model._base_manager.filter(pk__in=ids)
                    .select_for_update(nowait=True)
                    .values_list("pk", flat=True)
                )
            mark_events_changed(ids)
    except DatabaseError:
        transaction.on_commit(lambda: mark_events_changed(ids), robust=True)


def _shows(update_fields, shown):
    return update_fields is None or bool(shown.intersection(update_fields))


# -- proposals: their edition's page lists the newest ------------------------------------


def remember_previous_event(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of a proposal: the edition it belonged to before this save (one query)."""
    if raw or instance.pk is None or not _shows(update_fields, PROPOSAL_FIELDS_SHOWN):
        return
    previous = sender._base_manager.filter(pk=instance.pk).values_list("event_id", flat=True)
    instance._klimakronsj_previous_event_id = next(iter(previous), None)


def proposal_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save of a proposal: stamp its edition, and the one it left if it moved."""
    if raw or not _shows(update_fields, PROPOSAL_FIELDS_SHOWN):
        return
    previous = instance.__dict__.pop("_klimakronsj_previous_event_id", None)
    stamp_from_receiver([instance.event_id, previous])


def proposal_deleted(sender, instance, **kwargs):
    stamp_from_receiver([instance.event_id])


# -- applications: seats left and the status ---------------------------------------------


def application_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    stamped = instance.__dict__.pop(EVENT_STAMPED, False)
    if raw or stamped or not _shows(update_fields, APPLICATION_FIELDS_SHOWN):
        return
    stamp_from_receiver([instance.event_id])


def application_deleted(sender, instance, **kwargs):
    stamp_from_receiver([instance.event_id])


# -- application form pages: the "Apply" link --------------------------------------------


def _events_using_form(form_pk):
    from .models import event_page_models

    ids = []
    for model in event_page_models():
        ids += model._base_manager.filter(application_page_id=form_pk).values_list("pk", flat=True)
    return ids


def form_page_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or not _shows(update_fields, FORM_FIELDS_SHOWN):
        return
    stamp_from_receiver(_events_using_form(instance.pk) + [instance.event_id])


def form_page_deleted(sender, instance, **kwargs):
    # the event's application_page is set to NULL, which changes its row anyway
    stamp_from_receiver([instance.event_id])


# -- event pages: the copy each form page's process keeps -------------------------------


def form_page_models():
    from .events.models import concrete_models
    from .models import ApplicationFormPageMixin

    return concrete_models(ApplicationFormPageMixin)


def renew_event_versions(event_ids=None):
    """Give the form pages of these events (of all events when None) a new
    ``event_version``: every process then loads the event page anew instead of reusing
    the copy it keeps (``ApplicationFormPageMixin.get_event``). Call it after changing an
    event page with ``QuerySet.update()``."""
    import uuid

    version = uuid.uuid4().hex
    for model in form_page_models():
        rows = model._base_manager.all()
        if event_ids is not None:
            rows = rows.filter(event_id__in=list(event_ids))
        rows.update(event_version=version)


def event_saved(sender, instance, raw=False, **kwargs):
    """post_save of an event page (a publication, an unpublication, any save)."""
    if not raw and instance.pk is not None:
        renew_event_versions([instance.pk])


# -- anywhere in the tree: moves and view restrictions -----------------------------------


def anything_moved(sender, instance, **kwargs):
    """``post_page_move``, ``page_slug_changed``: the URLs below that page changed (form
    pages, proposals, event pages). Rare editor actions; every event page is stamped
    and every kept copy of an event page is renewed."""
    mark_events_changed()
    renew_event_versions()


def restrictions_changed(sender, instance, **kwargs):
    """A view restriction was added, changed or removed: which proposals are public
    may have changed anywhere below it. Rare; every event page is stamped."""
    mark_events_changed()


def connect_receivers():
    """Connect the receivers above (from ``AppConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save, pre_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_slug_changed, post_page_move

    from .models import Application, event_page_models
    from .proposals.archive import get_proposal_models

    form_pages = form_page_models()
    connections = [(Application, post_save, application_saved)]
    connections += [(Application, post_delete, application_deleted)]
    for model in get_proposal_models():
        connections += [
            (model, pre_save, remember_previous_event),
            (model, post_save, proposal_saved),
            (model, post_delete, proposal_deleted),
        ]
    for model in form_pages:
        connections += [
            (model, post_save, form_page_saved),
            (model, post_delete, form_page_deleted),
        ]
    connections += [(model, post_save, event_saved) for model in event_page_models()]
    connections += [
        (PageViewRestriction, signal, restrictions_changed) for signal in (post_save, post_delete)
    ]
    for sender, signal, receiver in connections:
        uid = f"wagtail_klimakronsj.freshness:{receiver.__name__}:{sender._meta.label}"
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
    # any page: the URLs below it change
    post_page_move.connect(anything_moved, dispatch_uid="wagtail_klimakronsj.freshness:moved")
    page_slug_changed.connect(anything_moved, dispatch_uid="wagtail_klimakronsj.freshness:slug")
