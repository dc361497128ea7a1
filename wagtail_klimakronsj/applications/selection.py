"""Helpers for deciding after the deadline: the applicant pool and a fair-selection proposal.

Nothing here changes an application. :func:`propose_selection` only suggests whom to
accept; the organiser reviews the suggestion and accepts it through ``workflow.decide``,
which enforces the seat limit and the municipality cap again under the event lock.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..choices import ApplicationStatus, Role
from .models import Application
from .seats import seat_counts

CANDIDATE_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.WAITLISTED)


def pool_overview(event_id):
    """Counts of the applicant pool by county, municipality and role (one query).

    Returns a list of dicts ``{county, municipality, municipality_number, organisation,
    role, total, pending, accepted, waitlisted, declined, withdrawn}``, sorted by county
    and municipality.
    """
    per_status = {
        status: Count("pk", filter=Q(status=status)) for status in ApplicationStatus.values
    }
    rows = (
        Application.objects.filter(event_id=event_id)
        .values("municipality__county", "municipality__name", "municipality__number", "role")
        .annotate(total=Count("pk"), **per_status)
        .order_by("municipality__county", "municipality__name", "role")
    )
    return [
        {
            "county": row["municipality__county"] or "",
            "municipality": row["municipality__name"] or "",
            "municipality_number": row["municipality__number"] or "",
            "role": row["role"],
            "role_label": Role(row["role"]).label if row["role"] in Role.values else row["role"],
            "total": row["total"],
            **{status: row[status] for status in ApplicationStatus.values},
        }
        for row in rows
    ]


def summarise_pool(rows):
    """Totals by county and by role from :func:`pool_overview` rows (no query)."""
    counties = defaultdict(lambda: defaultdict(int))
    roles = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for key in ["total", *ApplicationStatus.values]:
            counties[row["county"]][key] += row[key]
            roles[row["role_label"]][key] += row[key]
    return (
        [{"name": name, **values} for name, values in sorted(counties.items())],
        [{"name": name, **values} for name, values in sorted(roles.items(), key=lambda i: str(i[0]))],
    )


@dataclass
class Proposal:
    selected: list = field(default_factory=list)  # applications to accept, in order
    skipped: list = field(default_factory=list)  # (application, reason)
    seats: int = 0


def _place_key(application):
    """What the per-municipality limit counts: the municipality, else the organisation."""
    if application.municipality_id:
        return ("m", application.municipality_id)
    return ("o", (application.organisation or "").strip().lower())


def propose_selection(event, *, per_municipality=None, balance_roles=True, seats=None):
    """Suggest whom to accept from the pending and waiting applications.

    Rules, in order: at most ``per_municipality`` accepted per municipality (also
    counting those accepted already; the event's own cap applies too; applicants with
    no municipality count per organisation); if ``balance_roles``, the next seat goes
    to the role (employee, elected official, other) with the fewest accepted so far;
    otherwise, and within a role, application order. Held (suspect) applications are
    never proposed. Two queries.
    """
    counts = seat_counts(event.pk)
    taken = counts[ApplicationStatus.ACCEPTED] + counts[ApplicationStatus.UNCONFIRMED]
    free = max(event.seat_limit - taken, 0)
    seats = free if seats is None else max(0, min(int(seats), free))
    caps = [c for c in (per_municipality, event.municipality_cap) if c]
    cap = min(caps) if caps else None

    applications = list(
        Application.objects.filter(event_id=event.pk, erased_at__isnull=True)
        .filter(Q(status__in=CANDIDATE_STATUSES) | Q(status=ApplicationStatus.ACCEPTED))
        .select_related("municipality")
        .order_by("submitted_at", "pk")
    )
    taken_by_place = defaultdict(int)
    taken_by_role = defaultdict(int)
    queues = defaultdict(list)
    proposal = Proposal(seats=seats)
    for application in applications:
        if application.status == ApplicationStatus.ACCEPTED:
            taken_by_place[_place_key(application)] += 1
            taken_by_role[application.role] += 1
        elif application.held_for_review:
            proposal.skipped.append((application, "held"))
        else:
            queues[application.role if balance_roles else ""].append(application)

    role_order = {role: i for i, role in enumerate(Role.values)}
    while len(proposal.selected) < seats and any(queues.values()):
        role = min(
            (r for r, queue in queues.items() if queue),
            key=lambda r: (taken_by_role[r], queues[r][0].submitted_at, role_order.get(r, 99)),
        )
        application = queues[role].pop(0)
        place = _place_key(application)
        if cap and taken_by_place[place] >= cap:
            proposal.skipped.append((application, "cap"))
            continue
        proposal.selected.append(application)
        taken_by_place[place] += 1
        taken_by_role[application.role if balance_roles else ""] += 1
    for queue in queues.values():
        proposal.skipped.extend((application, "no_seat") for application in queue)
    return proposal
