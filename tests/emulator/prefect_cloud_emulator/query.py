"""A small generic helper for the `/filter` and `/count` endpoints.

A `Query` collects predicates built from the official filter criteria
(`any_`, `not_any_`, `like_`), combines them with AND (or OR for the
account-membership `operator`), and pages through candidates in a stable
order. Callers narrow the candidates through an index first when the
criteria allow it (ids, names, handles, emails), so the common
"look one object up by its natural key" call costs O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Getter = Callable[[T], Any]


def contains(haystack: str | None, needle: str) -> bool:
    """`like_`: case-insensitive substring match."""
    return haystack is not None and needle.lower() in haystack.lower()


class Query(Generic[T]):
    def __init__(self, any_of: bool = False) -> None:
        self.predicates: list[Callable[[T], bool]] = []
        self.any_of = any_of  # OR instead of AND between criteria

    def where(self, predicate: Callable[[T], bool]) -> Query[T]:
        self.predicates.append(predicate)
        return self

    def column(self, criteria: Any, getter: Getter[T], *, casefold: bool = False) -> Query[T]:
        """Adds the `any_`/`not_any_`/`like_` criteria of one filter field."""
        if criteria is None:
            return self
        norm: Callable[[Any], Any] = (lambda v: v.lower() if isinstance(v, str) else v) if casefold else (lambda v: v)
        any_ = getattr(criteria, "any_", None)
        if any_ is not None:
            wanted = {norm(v) for v in any_}
            self.where(lambda rec: norm(getter(rec)) in wanted)
        not_any = getattr(criteria, "not_any_", None)
        if not_any is not None:
            unwanted = {norm(v) for v in not_any}
            self.where(lambda rec: norm(getter(rec)) not in unwanted)
        like = getattr(criteria, "like_", None)
        if like is not None:
            self.where(lambda rec: contains(getter(rec), like))
        return self

    def matches(self, rec: T) -> bool:
        if not self.predicates:
            return True
        if self.any_of:
            return any(p(rec) for p in self.predicates)
        return all(p(rec) for p in self.predicates)

    def run(
        self,
        candidates: Iterable[T],
        *,
        limit: int | None = None,
        offset: int = 0,
        sort_key: Callable[[T], Any] | None = None,
        descending: bool = False,
        required: Iterable[Callable[[T], bool]] = (),
    ) -> list[T]:
        """Matching records, sorted (creation order unless `sort_key`), paged.
        `required` predicates always apply with AND, even in OR mode."""
        required = list(required)
        matched: Iterable[T] = (
            rec for rec in candidates if all(p(rec) for p in required) and self.matches(rec)
        )
        if sort_key is not None:
            matched = sorted(matched, key=sort_key, reverse=descending)
        stop = None if limit is None else offset + limit
        return list(islice(matched, offset, stop))

    def count(self, candidates: Iterable[T], required: Iterable[Callable[[T], bool]] = ()) -> int:
        required = list(required)
        return sum(1 for rec in candidates if all(p(rec) for p in required) and self.matches(rec))


def nulls_last(value: Any) -> tuple[bool, Any]:
    """Sort key wrapper: None sorts after every value (strings case-folded)."""
    if isinstance(value, str):
        value = value.lower()
    return (value is None, value if value is not None else "")


def lookup(index: dict[Any, Any], keys: Iterable[Any], table: dict[Any, T]) -> list[T]:
    """Records for `keys` through an index: deduplicated, in creation order."""
    ids = {index[k] for k in keys if k in index}
    return sorted((table[i] for i in ids if i in table), key=lambda rec: rec.created)  # type: ignore[attr-defined]


def by_ids(ids: Iterable[Any], table: dict[Any, T]) -> list[T]:
    """Records for primary keys: deduplicated, in creation order."""
    return sorted((table[i] for i in set(ids) if i in table), key=lambda rec: rec.created)  # type: ignore[attr-defined]
