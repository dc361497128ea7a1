"""Loading and offering the municipality list."""

import json
import re
from pathlib import Path

from django.db import transaction

from .conf import settings
from .models.municipalities import Municipality


class MunicipalityListError(ValueError):
    pass


def read_municipality_file(path=None):
    """Read and check a municipality list; returns the list of dicts."""
    path = Path(path or settings.MUNICIPALITIES_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MunicipalityListError(f"{path}: {exc}") from exc
    rows = data.get("municipalities") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise MunicipalityListError(f"{path}: no 'municipalities' list")
    seen = set()
    for row in rows:
        number = str(row.get("number", "")).strip()
        if not re.fullmatch(r"[0-9]{4}", number) or not str(row.get("name", "")).strip():
            raise MunicipalityListError(f"{path}: bad entry {row!r}")
        if number in seen:
            raise MunicipalityListError(f"{path}: number {number} appears twice")
        seen.add(number)
    return rows


def load_municipalities(rows, model=None):
    """Upsert the given rows; municipalities not in them are kept but made inactive.

    Returns (created, updated, deactivated).
    """
    if model is None:
        model = Municipality
    created = updated = 0
    with transaction.atomic():
        existing = {m.number: m for m in model.objects.all()}
        numbers = set()
        for row in rows:
            number = str(row["number"]).strip()
            numbers.add(number)
            values = {
                "name": str(row["name"]).strip(),
                "county_number": str(row.get("county_number", "")).strip(),
                "county": str(row.get("county", "")).strip(),
                "active": True,
            }
            current = existing.get(number)
            if current is None:
                model.objects.create(number=number, **values)
                created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                model.objects.filter(pk=current.pk).update(**values)
                updated += 1
        deactivated = (
            model.objects.filter(active=True).exclude(number__in=numbers).update(active=False)
        )
    return created, updated, deactivated
