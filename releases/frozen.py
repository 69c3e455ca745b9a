"""JSON for the frozen document values (releases.rid.document.Rid, releases.paper.document.Paper):
the one encoding both store in an issued version or paper and read back."""

import dataclasses
import datetime
import types
import typing
from decimal import Decimal


def encode(value):
    """A frozen dataclass (or a value inside one) as JSON types: dataclass -> dict of its fields,
    list/tuple -> list, date/datetime -> ISO string, Decimal -> str (pounds keep their pence),
    anything else as it is."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(tp, value):
    """`value` (JSON types, as encode made them) read back as type `tp`: a frozen dataclass
    (keys it does not know are ignored, so a field removed later does not break old JSON;
    defaults fill fields added later), tuple[X, ...], X | None, datetime.date or a plain type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):  # "X | None": decode as X unless None
        if value is None:
            return None
        (tp, *_rest) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        origin = typing.get_origin(tp)
    if origin is tuple:
        (item_type, *_rest) = typing.get_args(tp)
        return tuple(decode(item_type, v) for v in value)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: decode(hints[k], v) for k, v in value.items() if k in known})
    if tp is datetime.date:
        return datetime.date.fromisoformat(value) if value else None
    return value
