import random

import pytest

from wagtail_klimakronsj import grouping
from wagtail_klimakronsj.grouping import Person, clashes, form_groups, group_sizes


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, []),
        (1, [1]),
        (4, [4]),
        (5, [5]),
        (6, [6]),
        (7, [7]),  # two groups of >= 5 are impossible: one group of 7
        (8, [8]),
        (9, [9]),
        (10, [5, 5]),
        (11, [6, 5]),
        (12, [6, 6]),
        (13, [7, 6]),
        (14, [7, 7]),
        (19, [7, 6, 6]),
        (20, [5, 5, 5, 5]),
        (49, [6, 6, 6, 6, 5, 5, 5, 5, 5]),
        (50, [6, 6, 6, 6, 6, 5, 5, 5, 5]),
    ],
)
def test_group_sizes(count, sizes):
    assert group_sizes(count) == sizes
    assert sum(sizes) == count


def test_every_count_from_20_up_is_regular():
    for count in range(20, 400):
        sizes = group_sizes(count)
        assert grouping.sizes_are_regular(sizes), count
        assert max(sizes) - min(sizes) <= 1


def test_no_group_below_five_once_there_are_five():
    for count in range(5, 400):
        assert min(group_sizes(count)) >= 5, count


def pool(count, municipalities, counties=4, seed=0):
    rng = random.Random(seed)
    people = []
    for i in range(count):
        m = rng.randrange(municipalities)
        people.append(
            Person(
                id=i,
                municipality=f"m{m}",
                county=f"c{m % counties}",
                role=rng.choice(["employee", "elected"]),
                order=i,
            )
        )
    return people


def check_invariants(people, groups):
    assert sorted(p.id for g in groups for p in g) == sorted(p.id for p in people)
    assert [len(g) for g in groups] == group_sizes(len(people))
    k = len(groups)
    by_municipality = {}
    by_county = {}
    for p in people:
        by_municipality.setdefault(p.municipality, 0)
        by_municipality[p.municipality] += 1
        by_county.setdefault(p.county, 0)
        by_county[p.county] += 1
    for group in groups:
        for municipality, total in by_municipality.items():
            # at most ceil(total / k): nobody shares a group with someone from their
            # municipality whenever the municipality has no more people than groups
            assert sum(p.municipality == municipality for p in group) <= -(-total // k)
        for county, total in by_county.items():
            assert sum(p.county == county for p in group) <= -(-total // k)


@pytest.mark.parametrize("count", [1, 4, 5, 7, 9, 11, 13, 19, 23, 49, 50, 51, 97])
@pytest.mark.parametrize("seed", range(5))
def test_random_pools_keep_the_invariants(count, seed):
    people = pool(count, municipalities=max(1, count // 2), seed=seed)
    check_invariants(people, form_groups(people))


def test_fifty_from_fifty_municipalities_never_clash():
    people = pool(50, municipalities=10**6, seed=3)
    people = [Person(id=p.id, municipality=f"m{p.id}", county=p.county, role=p.role) for p in people]
    assert clashes(form_groups(people)) == 0


def test_no_clash_when_no_municipality_outnumbers_the_groups():
    # 9 groups for 50; Oslo sends 9, others 1-3: nobody meets a colleague
    people = [Person(id=i, municipality="0301", county="Oslo") for i in range(9)]
    people += [Person(id=100 + i, municipality=f"m{i % 20}", county=f"c{i % 5}") for i in range(41)]
    groups = form_groups(people)
    assert len(groups) == 9
    assert clashes(groups) == 0


def test_unavoidable_clashes_are_spread():
    people = [Person(id=i, municipality="0301") for i in range(12)]  # 2 groups of 6
    groups = form_groups(people)
    assert [len(g) for g in groups] == [6, 6]


def test_deterministic():
    people = pool(37, municipalities=15, seed=9)
    first = [[p.id for p in g] for g in form_groups(people)]
    second = [[p.id for p in g] for g in form_groups(list(reversed(people)))]
    assert first == second


def test_roles_are_mixed_within_a_municipality():
    people = [Person(id=i, municipality="m", role="elected" if i % 2 else "employee", order=i) for i in range(4)]
    order = grouping.mixing_order(people)
    assert [p.role for p in order] == ["elected", "employee", "elected", "employee"]
