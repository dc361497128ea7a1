"""Demo content for `manage.py klimakronsj_demo`: events.py (events, form page), proposals.py."""
