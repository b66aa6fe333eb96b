"""Every schema the API publishes has its own name.

django-ninja keys the OpenAPI components by a model's class name and, when two routers define different models
with the same name, silently keeps one of them: clients then read the wrong fields for one of the operations.
Enumerations are components too (the support team's consultation themes and the case library's themes once
shared the name `Theme`, and the schema offered one list for both).
This test collects every model reachable from the operations' bodies, parameters and responses and fails on two
distinct classes with one name."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ninja import NinjaAPI
from ninja import Schema as NinjaSchema
from pydantic import BaseModel

from shokuba.api.api import api


def _models_in(annotation: object, seen: set[type]) -> Iterator[type]:
    """The pydantic models and enumerations an annotation mentions, nested ones included."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if annotation not in seen:
            seen.add(annotation)
            yield annotation
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        yield from _models_in(argument, seen)


def _is_wrapper(model: type) -> bool:
    """ninja's per-operation wrappers (parameters, response envelope): flattened, never components."""
    return model.__module__ in {"abc", "ninja.signature.details"} or model.__name__ in {
        "NinjaResponseSchema",
        "QueryParams",
        "PathParams",
        "BodyParams",
        "FormParams",
        "FileParams",
        "CookieParams",
        "HeaderParams",
    }


def published_models(ninja_api: NinjaAPI) -> Iterable[type]:
    seen: set[type] = set()
    for _prefix, router in ninja_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                roots: list[object] = list(operation.models)
                roots += list((getattr(operation, "response_models", None) or {}).values())
                for root in roots:
                    for model in _models_in(root, seen):
                        if not _is_wrapper(model):
                            yield model


def name_collisions(models: Iterable[type]) -> dict[str, list[str]]:
    by_name: dict[str, set[type]] = defaultdict(set)
    for model in models:
        by_name[model.__name__].add(model)
    return {
        name: sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
        for name, classes in by_name.items()
        if len(classes) > 1
    }


def test_no_two_published_schemas_share_a_name() -> None:
    models = list(published_models(api))
    # The walk reaches the domain's own bodies, not only ninja's wrappers.
    assert sum(model.__module__.startswith("shokuba.") for model in models) >= 20
    assert any(issubclass(model, enum.Enum) for model in models)
    assert name_collisions(models) == {}


def test_the_check_sees_a_collision() -> None:
    def make() -> type[NinjaSchema]:
        class Finding(NinjaSchema):
            text: str

        return Finding

    first, second = make(), make()
    assert name_collisions([first, second]) == {
        "Finding": [
            f"{__name__}.test_the_check_sees_a_collision.<locals>.make.<locals>.Finding",
            f"{__name__}.test_the_check_sees_a_collision.<locals>.make.<locals>.Finding",
        ]
    }
