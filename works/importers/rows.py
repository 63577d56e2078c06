"""Upsert many rows of one model on a natural key, writing only what changed.

Importers call this once per batch and model: one query finds the rows that
exist, one inserts the new ones and one updates those whose values differ.
Comparing before writing is what makes a second import of the same input a
no-op, down to `updated_at`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from works.importers.common import Outcome

WRITE_BATCH_SIZE = 1000


@dataclass
class Upserted[M: models.Model]:
    rows: dict[str, M] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    # Human-readable notes on values left out to keep a unique column unique,
    # keyed like `rows`.
    conflicts: dict[str, list[str]] = field(default_factory=dict)


def upsert_rows[M: models.Model](
    model: type[M],
    rows: dict[str, dict[str, Any]],
    *,
    key: str = "openalex_id",
    unique: tuple[str, ...] = (),
) -> Upserted[M]:
    """Create or update `model` rows keyed by `key`, from `{key value: {field: value}}`.

    `unique` names other unique columns (a ROR id). A row that holds such a value
    without a key of its own is adopted: it gets the key, so that an institution
    created from ROR alone and met later in OpenAlex stays one row. A value held
    by a row with another key is left out and reported in `conflicts`.
    """
    result: Upserted[M] = Upserted()
    if not rows:
        return result
    rows = {row_key: dict(values) for row_key, values in rows.items()}
    existing = {
        getattr(obj, key): obj
        for obj in model._default_manager.filter(**{f"{key}__in": list(rows)})
    }
    for unique_field in unique:
        _settle_unique(model, rows, existing, key, unique_field, result)

    to_create: list[M] = []
    to_update: list[M] = []
    changed_fields: set[str] = set()
    for row_key, values in rows.items():
        obj = existing.get(row_key)
        if obj is None:
            obj = model(**{key: row_key}, **values)
            to_create.append(obj)
            result.outcomes[row_key] = Outcome.CREATED
        else:
            changed = changed_values(obj, {key: row_key, **values})
            changed_fields.update(changed)
            if changed:
                to_update.append(obj)
            result.outcomes[row_key] = Outcome.UPDATED if changed else Outcome.UNCHANGED
        result.rows[row_key] = obj

    model._default_manager.bulk_create(to_create, batch_size=WRITE_BATCH_SIZE)
    bulk_update_changed(model, to_update, changed_fields)

    return result


def changed_values(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set `values` on `obj` and return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def bulk_update_changed(
    model: type[models.Model], objs: list[Any], fields: set[str]
) -> None:
    """Write `fields` of `objs`, stamping `updated_at` where the model has it.

    bulk_update() skips auto_now, so the stamp is set here; unchanged rows never
    reach this function and keep theirs.
    """
    if not objs or not fields:
        return
    names = {field.name for field in model._meta.get_fields()}
    if "updated_at" in names:
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        fields = fields | {"updated_at"}
    model._default_manager.bulk_update(
        objs, sorted(fields), batch_size=WRITE_BATCH_SIZE
    )


def _settle_unique[M: models.Model](
    model: type[M],
    rows: dict[str, dict[str, Any]],
    existing: dict[str, M],
    key: str,
    unique_field: str,
    result: Upserted[M],
) -> None:
    wanted = {
        values[unique_field] for values in rows.values() if values.get(unique_field)
    }
    holders = {
        getattr(obj, unique_field): obj
        for obj in model._default_manager.filter(**{f"{unique_field}__in": wanted})
    }
    adopted = {obj.pk for obj in existing.values()}
    claimed: dict[Any, str] = {}
    for row_key, values in rows.items():
        value = values.get(unique_field)
        if not value:
            continue
        holder = holders.get(value)
        owner = claimed.get(value)
        if owner is None and holder is not None and getattr(holder, key) != row_key:
            if (
                getattr(holder, key) is None
                and row_key not in existing
                and holder.pk not in adopted
            ):
                existing[row_key] = holder
                adopted.add(holder.pk)
            else:
                owner = getattr(holder, key) or f"row {holder.pk}"
        if owner is not None and owner != row_key:
            del values[unique_field]
            note = f"{unique_field} {value} already belongs to {owner}; left out"
            result.conflicts.setdefault(row_key, []).append(note)
            continue
        claimed[value] = row_key
