"""Corpus-scale comparison on Apache Spark.

:func:`compare_pairs` takes a DataFrame with two text columns (plus any key
columns, kept) and returns a DataFrame with one row per change, computed by
the Rust engine on the executors with ``DataFrame.mapInArrow`` (Spark 3.3 or
newer): rows travel to and from the Python workers as Arrow record batches,
and each batch is compared in one call with the GIL released.

The executors need the ``tvdiff`` package (its wheel holds a compiled
extension); see docs/python.md for spark-submit with a packed environment.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Iterator, List, Optional, Sequence

from . import _options, _tvdiff

__all__ = ["compare_pairs", "changes_schema", "CHANGE_COLUMNS"]


def _edit_type():
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    return ArrayType(
        StructType(
            [StructField("op", StringType(), False)]
            + [StructField(n, StringType(), False) for n in ("old", "new", "class")]
            + [
                StructField(f"{side}_{what}", LongType(), False)
                for side in ("old", "new")
                for what in ("start", "end", "line", "column")
            ]
        ),
        containsNull=False,
    )


def changes_schema():
    """The Spark schema of the change columns :func:`compare_pairs` adds
    after the key columns."""
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    fields = [
        StructField("kind", StringType(), False),
        StructField("change_id", LongType(), True),
        StructField("class", StringType(), True),
        StructField("similarity", DoubleType(), True),
    ]
    for side in ("old", "new"):
        fields.append(StructField(f"{side}_text", StringType(), True))
        for what in ("start", "end", "line", "column", "end_line"):
            fields.append(StructField(f"{side}_{what}", LongType(), True))
    fields.append(StructField("edits", _edit_type(), False))
    for what in ("equal", "modified", "added", "removed", "moved", "resegmented"):
        fields.append(StructField(f"pair_{what}", LongType(), False))
    fields.append(StructField("pair_similarity", DoubleType(), False))
    return StructType(fields)


#: Names of the columns :func:`compare_pairs` adds, in order.
CHANGE_COLUMNS: List[str] = [
    "kind", "change_id", "class", "similarity",
    "old_text", "old_start", "old_end", "old_line", "old_column", "old_end_line",
    "new_text", "new_start", "new_end", "new_line", "new_column", "new_end_line",
    "edits",
    "pair_equal", "pair_modified", "pair_added", "pair_removed", "pair_moved", "pair_resegmented",
    "pair_similarity",
]  # fmt: skip


def compare_pairs(df, old: str = "old", new: str = "new", *, keys: Optional[Sequence[str]] = None, **options: Any):
    """Compare the text pairs of a Spark DataFrame; one output row per change.

    ``df`` has a string column ``old`` and a string column ``new``; the other
    columns (or only ``keys``, if given) are keys, copied to every output
    row of their pair. For each pair the output has one row per change of
    the report, or a single row of kind ``equal`` when the versions compare
    equal after normalisation, so every input row is accounted for. Columns
    after the keys:

    ``kind``
        ``modified``, ``added``, ``removed``, ``moved`` or ``equal``;
    ``change_id``, ``class``, ``similarity``
        the change's index in the pair's report, its class (``wording``,
        ``punctuation``, ``spacing``, ``case``) and the two sentences'
        similarity 0–1 (null for ``equal``);
    ``old_text``, ``old_start``, ``old_end``, ``old_line``, ``old_column``, ``old_end_line``
        the old sentence(s) as in the text and where (byte offsets, 1-based
        line and column in characters); null for an added sentence or an
        ``equal`` row; the same for ``new_…``;
    ``edits``
        array of structs ``op`` (insert/delete/replace), ``old``, ``new``,
        ``class``, ``old_start``, ``old_end``, ``old_line``, ``old_column``,
        ``new_start`` … ``new_column``;
    ``pair_equal``, ``pair_modified``, ``pair_added``, ``pair_removed``, ``pair_moved``, ``pair_resegmented``, ``pair_similarity``
        the pair's summary (sentence counts; similarity 0–100).

    A null text is compared as empty (every sentence of the other side is
    added or removed). Options are those of :func:`tvdiff.compare`; they are
    checked on the driver, so a bad one raises ``ValueError`` at once.
    Uses ``DataFrame.mapInArrow`` (Spark 3.3 or newer); the executors must
    be able to ``import tvdiff``.
    """
    from pyspark.sql.types import StringType, StructType

    if not hasattr(df, "mapInArrow"):
        raise RuntimeError("tvdiff.spark needs Spark 3.3 or newer (DataFrame.mapInArrow)")
    names = df.columns
    for role, col in (("old", old), ("new", new)):
        if col not in names:
            raise ValueError(f"compare_pairs: no column '{col}' for the {role} text (columns: {names})")
        if not isinstance(df.schema[col].dataType, StringType):
            raise ValueError(f"compare_pairs: column '{col}' is {df.schema[col].dataType.simpleString()}, not string")
    if keys is None:
        keys = [c for c in names if c not in (old, new)]
    keys = list(keys)
    for k in keys:
        if k not in names:
            raise ValueError(f"compare_pairs: no key column '{k}'")
        if k in CHANGE_COLUMNS:
            raise ValueError(
                f"compare_pairs: key column '{k}' has the name of an output column; rename it "
                f"or choose keys=[...] (output columns: {CHANGE_COLUMNS})"
            )
    opts = _options(options)
    _tvdiff.changes_batch([""], [""], opts)  # a bad option fails here, on the driver
    schema = StructType([df.schema[k] for k in keys] + changes_schema().fields)
    fn = functools.partial(_compare_batches, old=old, new=new, keys=keys, options=opts, schema_json=schema.json())
    return df.select(*keys, old, new).mapInArrow(fn, schema)


def _compare_batches(batches: Iterator[Any], *, old: str, new: str, keys: List[str], options: str, schema_json: str):
    """The function mapInArrow runs on each partition."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import StructType

    schema = to_arrow_schema(StructType.fromJson(json.loads(schema_json)))
    for batch in batches:
        if batch.num_rows == 0:
            continue
        cols = json.loads(
            _tvdiff.changes_batch(batch.column(old).to_pylist(), batch.column(new).to_pylist(), options)
        )
        take = pa.array(cols.pop("pair"), type=pa.int64())
        arrays = [batch.column(k).take(take) for k in keys]
        for field in list(schema)[len(keys) :]:
            arrays.append(pa.array(cols[field.name], type=field.type))
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)
