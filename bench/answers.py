"""Answers to the form-builder page's questions (``bench/seed.py``), one set per
simulated applicant; shared by ``bench/measure.py`` and ``bench/compare.py``."""


def form_builder_answers(fields, i, email):
    """POST data for applicant ``i``: ``fields`` are ``(clean_name, field_type, choices)``
    of the page's form fields; dropdowns and radios take their options in turn."""
    data = {}
    for name, field_type, choices in fields:
        if field_type == "email":
            data[name] = email
        elif field_type in ("dropdown", "radio"):
            options = [c.strip() for c in choices.splitlines() if c.strip()]
            data[name] = options[i % len(options)]
        elif field_type == "checkbox":
            data[name] = "on"
        elif field_type == "multiline":
            data[name] = "Klimavennleg arealbruk og transport."
        else:
            data[name] = f"Søkjar {i}"
    return data
