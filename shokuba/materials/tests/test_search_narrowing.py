"""The search finds exactly the materials `visible_materials` lets a user open, for every role; a hit links to the
material's page."""

from __future__ import annotations

import pytest

from shokuba.materials.permissions import visible_materials
from shokuba.materials.tests.fixtures import material
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role", ["secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin"]
)
def test_search_finds_exactly_the_visible_materials(request: pytest.FixtureRequest, role: str) -> None:
    material(title="育休の説明会 スライド")
    material(title="採用の研修", description="育休を取りやすい職場の説明")
    user = request.getfixturevalue(role)
    expected = set(visible_materials(user).values_list("pk", flat=True))
    hits = search(user, "育休", filters=SearchFilters(kinds=("material",)), limit=50).hits
    assert {h.object_id for h in hits} == expected
    assert all(h.url == f"/materials/{h.object_id}/" for h in hits)
    assert len(expected) == (0 if role == "org_admin" else 2)
