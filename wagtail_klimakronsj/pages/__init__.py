"""The package's ready-made page types, on Wagtail's standard ``Page``.

A site whose base page model is its own (Wagtail 8's ``WAGTAIL_PAGE_MODEL``) leaves
this app out of ``INSTALLED_APPS`` and defines its own pages from the mixins in
``wagtail_klimakronsj.models``.
"""
