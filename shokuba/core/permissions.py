"""The one place that decides who may do what: `has_perm(actor, name, obj)` and `require(...)` (403 when refused).

Core knows no domain app. Each app registers the rules on its own objects at start-up, from its
`AppConfig.ready()` (`shokuba/<app>/permissions.py`), the way admin sites and signals are registered:

    register("wave.view", can_view_wave, on=Wave)

A registration names the kind of object the rule decides on (`on=`; `None` for a rule about no object), so a
rule is never handed the wrong kind of object by mistake: `has_perm` raises TypeError instead of answering.
Unknown names raise KeyError (a typo must never silently allow or deny) and registering a name twice raises
ImproperlyConfigured (two apps must never fight over one decision).

Which rows exist for a user at all (`visible_*`, narrowing a query; anything else is answered 404 so another
tenant's ids reveal nothing) is decided in the app that owns the model, on the same role predicates as its rules
(`shokuba.network.permissions`, next to the user model).

The platform acting for nobody (the demo generator, `manage.py import_estat`, background work) is the one typed
`SYSTEM` actor: it passes every registered permission, and services store no account for it (`account_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, TypeVar, final

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

T = TypeVar("T")
Rule = Callable[[Any, Any], bool]
ObjectKind = type | tuple[type, ...] | None


@final
class SystemActor:
    """The platform itself, acting for no person: the demo generator, management commands run on the server
    (whoever can run them administers the site), background work. Never a request's user: a request is
    authenticated as an account or is anonymous. Passes every registered permission; the audit log records it as
    "system" with no account (`AuditEntry.actor` is None)."""

    pk: Final = None
    username: Final = "system"
    # Not an account: `login_required`, `visible_*` and anything else that asks about accounts see no one.
    is_authenticated: Final = False
    is_active: Final = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"


SYSTEM: Final = SystemActor()


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def account_of(actor: Any) -> Any:
    """The account to store as who did something (`created_by`, `updated_by`, …): None for the system."""
    return None if actor is SYSTEM or not getattr(actor, "pk", None) else actor


@dataclass(frozen=True)
class Permission:
    name: str
    rule: Rule
    on: ObjectKind  # the kind of object the rule decides on; None: the rule takes no object
    app: str  # the app that registered it (its AppConfig label)

    def check_object(self, obj: object) -> None:
        if self.on is None:
            if obj is not None:
                raise TypeError(f"permission {self.name!r} takes no object, got {type(obj).__name__}")
        elif not isinstance(obj, self.on):
            kinds = self.on if isinstance(self.on, tuple) else (self.on,)
            expected = " or ".join("None" if k is type(None) else k.__name__ for k in kinds)
            raise TypeError(f"permission {self.name!r} decides on {expected}, got {type(obj).__name__}")


_registry: dict[str, Permission] = {}


def register(name: str, rule: Callable[[Any, T], bool], *, on: type[T] | tuple[type, ...] | None, app: str) -> None:
    """Register the rule that decides `name`; called from the owning app's `AppConfig.ready()`."""
    if name in _registry:
        raise ImproperlyConfigured(f"permission {name!r} is already registered by the app {_registry[name].app!r}")
    _registry[name] = Permission(name, rule, on, app)


def registered() -> Mapping[str, Permission]:
    """Every registered permission by name (read-only)."""
    return MappingProxyType(_registry)


def has_perm(actor: Any, perm: str, obj: Any = None) -> bool:
    try:
        permission = _registry[perm]
    except KeyError as exc:  # a typo must never silently allow or deny
        raise KeyError(f"unknown permission {perm!r}") from exc
    permission.check_object(obj)
    if actor is SYSTEM:
        return True
    return bool(permission.rule(actor, obj))


def require(actor: Any, perm: str, obj: Any = None) -> None:
    if not has_perm(actor, perm, obj):
        raise PermissionDenied(perm)
