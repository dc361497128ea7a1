"""The organiser's desk in the Wagtail admin: applications, decisions, groups, exports.

Everything that shows a name or an email needs the permission
``wagtail_klimakronsj.view_personal_data``; decisions and group changes also need
``wagtail_klimakronsj.decide_application``. An editor of an event page without them
sees the seat counts of the event (``SeatCountsPanel``, the "Seats" page button and the
event's counts page), never names.

- ``permissions``: the two permissions and the checks on them
- ``admin``: the application list (modeladmin): filters, inspect view, its export
- ``exports``: the rows of the application, group and attendance spreadsheets
- ``forms``: what the desk reads from a request, as Django forms (the list's query,
  decisions and their return address, the pool, groups, attendance, personal data)
- ``views``: one module per page of the desk (home, decisions, pool, groups,
  attendance, personal data), sharing ``views.common``
- ``urls``, ``menu``: the admin URLs, menu items and page buttons
"""
