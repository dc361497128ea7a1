"""Forming facilitated groups of 5–6 participants, mixed by municipality, county and role.

The pure functions here know nothing of the database: they take ``Person`` tuples and
return lists of groups, so the rule can be read and tested on its own. ``docs/groups.md``
explains the rule and the awkward counts.

The algorithm (deterministic):

1. Decide the group sizes with :func:`group_sizes`.
2. Order the participants so that everyone from one county is contiguous, and inside a
   county everyone from one municipality is contiguous (largest counties and
   municipalities first; inside a municipality roles alternate).
3. Deal that sequence round-robin to the groups: person ``i`` goes to group ``i mod k``.

A contiguous run of ``m`` people dealt round-robin to ``k`` groups lands in ``m``
different groups when ``m <= k``, and at most ``ceil(m / k)`` in one group otherwise. So
no two people of one municipality share a group whenever no municipality has more
people than there are groups, and counties are spread as evenly as they can be. Roles
are mixed as a best effort only.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

MIN_SIZE = 5
MAX_SIZE = 6


@dataclass(frozen=True)
class Person:
    id: int
    municipality: str = ""  # municipality number, or the organisation for others
    county: str = ""
    role: str = ""
    order: int = 0  # tie-breaker: application order


def group_sizes(count, min_size=MIN_SIZE, max_size=MAX_SIZE):
    """Sizes of the groups for ``count`` participants, largest first.

    - ``count`` in 1..min_size-1: one (small) group of everyone.
    - Otherwise as few groups as keep everyone within ``min_size``..``max_size``
      (``ceil(count / max_size)`` groups), sizes as even as possible.
    - When no split into groups of ``min_size``..``max_size`` exists (7, 8, 9, 13, 14
      and 19 with 5–6), ``count // min_size`` groups, so no group is smaller than
      ``min_size`` and some are larger than ``max_size`` (7 -> [7], 13 -> [7, 6],
      19 -> [7, 6, 6]). The organiser can split them by hand.
    """
    if count <= 0:
        return []
    if count < min_size:
        return [count]
    groups = math.ceil(count / max_size)
    if count < groups * min_size:
        groups = max(1, count // min_size)
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def sizes_are_regular(sizes, min_size=MIN_SIZE, max_size=MAX_SIZE):
    return all(min_size <= size <= max_size for size in sizes)


def mixing_order(people):
    """The people in the order they are dealt to groups (see the module docstring)."""
    by_county = defaultdict(lambda: defaultdict(list))
    for person in people:
        by_county[person.county][person.municipality].append(person)

    def county_key(item):
        county, municipalities = item
        size = sum(len(members) for members in municipalities.values())
        return (-size, county)

    ordered = []
    for _county, municipalities in sorted(by_county.items(), key=county_key):
        for _municipality, members in sorted(
            municipalities.items(), key=lambda item: (-len(item[1]), item[0])
        ):
            ordered.extend(_alternate_roles(members))
    return ordered


def _alternate_roles(members):
    by_role = defaultdict(list)
    for person in sorted(members, key=lambda p: (p.order, p.id)):
        by_role[person.role].append(person)
    queues = [by_role[role] for role in sorted(by_role, key=lambda r: (-len(by_role[r]), r))]
    result = []
    while any(queues):
        for queue in queues:
            if queue:
                result.append(queue.pop(0))
    return result


def form_groups(people, min_size=MIN_SIZE, max_size=MAX_SIZE):
    """Split ``people`` into groups: a list of lists of ``Person``, largest group first."""
    people = list(people)
    sizes = group_sizes(len(people), min_size, max_size)
    if not sizes:
        return []
    groups = [[] for _ in sizes]
    for index, person in enumerate(mixing_order(people)):
        groups[index % len(sizes)].append(person)
    return groups


def clashes(groups):
    """Number of pairs of people in one group who share a municipality."""
    total = 0
    for group in groups:
        counts = defaultdict(int)
        for person in group:
            if person.municipality:
                counts[person.municipality] += 1
        total += sum(n * (n - 1) // 2 for n in counts.values())
    return total
