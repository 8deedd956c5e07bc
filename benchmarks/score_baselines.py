"""Baselines for bench_score.py, each run in a fresh process: `python score_baselines.py NAME SPEC OUT`.

SPEC is a JSON file describing one results file (path, encoding, delimiter, layout, column names,
the pass/fail tokens, standard weights, the critical standard). Each baseline writes a JSON of what
it found to OUT, so the benchmark can check it against svcstd's report:
- the bare passes (`csv.reader`, python-calamine, openpyxl read-only) only read every row:
  `{"rows": data rows}`;
- the DuckDB and polars baselines compute svcstd's figures: `{"standards": {id: [passes, fails]},
  "groups": [[site, month, score sum, scored inspections], ...]}`, where an inspection's score is
  100·Σw·pass/Σw over its pass and fail entries, 0 if the critical standard failed, and an
  inspection without a pass or fail has no score (SPEC §4).

Only the tokens of the generated data are recognised and the data is trusted: the baselines do
less than svcstd, which judges any token, checks every row and accounts for every entry.
Each baseline imports its engine itself, so a process pays only for what it uses.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

Spec = dict[str, Any]
Figures = dict[str, Any]


# --------------------------------------------------------------------------- bare passes


def bare_csv(spec: Spec) -> Figures:
    """Decode and split every row with `csv.reader`, nothing else: the floor for a Python reader."""
    rows = 0
    with open(spec["path"], encoding=spec["encoding"], newline="") as handle:
        for _ in csv.reader(handle, delimiter=spec["delimiter"]):
            rows += 1
    return {"rows": rows - 1}


def bare_calamine(spec: Spec) -> Figures:
    """Every row of the first sheet through python-calamine (Rust), as Python values."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(spec["path"]).get_sheet_by_index(0)
    rows = sum(1 for _ in sheet.iter_rows())
    return {"rows": rows - 1}


def bare_openpyxl(spec: Spec) -> Figures:
    """Every row of the first sheet through openpyxl in read-only mode, values only."""
    from openpyxl import load_workbook

    book = load_workbook(spec["path"], read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return {"rows": rows - 1}


# --------------------------------------------------------------------------- DuckDB


def duckdb_long(spec: Spec) -> Figures:
    """Long rows: per-standard counts in one query, per-inspection scores grouped in another."""
    import duckdb

    con = duckdb.connect()
    _duckdb_weights(con, spec)
    col = {name: _quoted(header) for name, header in spec["columns"].items()}
    p, f = _literal(spec["pass"]), _literal(spec["fail"])
    src = _duckdb_source(spec)
    standards = con.execute(f"""
        SELECT {col["standard"]}, count(*) FILTER (WHERE {col["result"]} = {p}),
               count(*) FILTER (WHERE {col["result"]} = {f})
        FROM {src} GROUP BY ALL""").fetchall()
    groups = con.execute(f"""
        WITH per AS (
            SELECT any_value({col["site"]}) AS site, substr(any_value({col["date"]}), 1, 7) AS month,
                   sum(w.weight) FILTER (WHERE {col["result"]} IN ({p}, {f})) AS applicable,
                   sum(w.weight) FILTER (WHERE {col["result"]} = {p}) AS passed,
                   bool_or({col["result"]} = {f} AND w.critical) AS red
            FROM {src} r JOIN w ON r.{col["standard"]} = w.standard
            GROUP BY {col["inspection"]})
        SELECT site, month,
               sum(CASE WHEN red THEN 0 ELSE 100 * coalesce(passed, 0) / applicable END), count(*)
        FROM per WHERE applicable > 0 GROUP BY ALL""").fetchall()
    return {"standards": {s: [n, m] for s, n, m in standards}, "groups": groups}


def duckdb_wide(spec: Spec) -> Figures:
    """One row per inspection: counts per column, and each row's score from its own cells."""
    import duckdb

    con = duckdb.connect()
    col = {name: _quoted(header) for name, header in spec["columns"].items()}
    p, f = _literal(spec["pass"]), _literal(spec["fail"])
    src = _duckdb_source(spec)
    results = spec["standards"]  # header → standard id
    counts = ", ".join(
        f"count(*) FILTER (WHERE {_quoted(h)} = {p}), count(*) FILTER (WHERE {_quoted(h)} = {f})"
        for h in results
    )
    row = con.execute(f"SELECT {counts} FROM {src}").fetchone()
    assert row is not None
    standards = {ident: [row[2 * i], row[2 * i + 1]] for i, ident in enumerate(results.values())}
    weight = {h: spec["weights"][ident] for h, ident in results.items()}
    passed = " + ".join(
        f"(CASE WHEN {_quoted(h)} = {p} THEN {w} ELSE 0 END)" for h, w in weight.items()
    )
    applicable = " + ".join(
        f"(CASE WHEN {_quoted(h)} IN ({p}, {f}) THEN {w} ELSE 0 END)" for h, w in weight.items()
    )
    red = " OR ".join(
        f"coalesce({_quoted(h)} = {f}, false)"
        for h, ident in results.items()
        if ident in spec["critical"]
    )
    groups = con.execute(f"""
        WITH per AS (
            SELECT {col["site"]} AS site, substr({col["date"]}, 1, 7) AS month,
                   {passed} AS passed, {applicable} AS applicable, {red or "false"} AS red
            FROM {src})
        SELECT site, month, sum(CASE WHEN red THEN 0 ELSE 100 * passed / applicable END), count(*)
        FROM per WHERE applicable > 0 GROUP BY ALL""").fetchall()
    return {"standards": standards, "groups": groups}


def _duckdb_source(spec: Spec) -> str:
    """`read_csv(...)` with the dialect given, not sniffed; GB18030 transcoded to UTF-8 first."""
    path = _utf8_copy(spec)
    delimiter = _literal(spec["delimiter"])
    return (
        f"read_csv({_literal(path)}, delim={delimiter}, quote='\"', header=true, all_varchar=true)"
    )


def _duckdb_weights(con: Any, spec: Spec) -> None:
    rows = ", ".join(
        f"({_literal(ident)}, {weight}, {ident in spec['critical']})"
        for ident, weight in spec["weights"].items()
    )
    con.execute(f"CREATE TABLE w AS SELECT * FROM (VALUES {rows}) t(standard, weight, critical)")


# --------------------------------------------------------------------------- polars


def polars_long(spec: Spec) -> Figures:
    """Long rows with a lazy scan: the same two aggregations, collected together (one plan)."""
    import polars as pl

    c = spec["columns"]
    result = pl.col(c["result"])
    rows = _polars_scan(spec).with_columns(
        passed=result == spec["pass"], failed=result == spec["fail"]
    )
    weights = pl.LazyFrame(
        {
            c["standard"]: list(spec["weights"]),
            "weight": [float(w) for w in spec["weights"].values()],
            "critical": [ident in spec["critical"] for ident in spec["weights"]],
        }
    )
    standards = rows.group_by(c["standard"]).agg(pl.col("passed").sum(), pl.col("failed").sum())
    per = (
        rows.filter(pl.col("passed") | pl.col("failed"))
        .join(weights, on=c["standard"])
        .group_by(c["inspection"])
        .agg(
            site=pl.col(c["site"]).first(),
            month=pl.col(c["date"]).first().str.slice(0, 7),
            passed=(pl.col("weight") * pl.col("passed")).sum(),
            applicable=pl.col("weight").sum(),
            red=(pl.col("failed") & pl.col("critical")).any(),
        )
    )
    groups = _polars_groups(per)
    standards_df, groups_df = pl.collect_all([standards, groups])
    return {
        "standards": {s: [n, m] for s, n, m in standards_df.iter_rows()},
        "groups": groups_df.rows(),
    }


def polars_wide(spec: Spec) -> Figures:
    """One row per inspection, row-wise: counts per column, scores from horizontal sums."""
    import polars as pl

    c = spec["columns"]
    results = spec["standards"]
    rows = _polars_scan(spec)
    counts = rows.select(
        expr
        for i, h in enumerate(results)
        for expr in (
            (pl.col(h) == spec["pass"]).sum().alias(f"p{i}"),
            (pl.col(h) == spec["fail"]).sum().alias(f"f{i}"),
        )
    )

    def weighted(tokens: list[str]) -> pl.Expr:
        return pl.sum_horizontal(
            pl.col(h).is_in(tokens).fill_null(False) * float(spec["weights"][ident])
            for h, ident in results.items()
        )

    per = rows.select(
        site=pl.col(c["site"]),
        month=pl.col(c["date"]).str.slice(0, 7),
        passed=weighted([spec["pass"]]),
        applicable=weighted([spec["pass"], spec["fail"]]),
        red=pl.any_horizontal(
            (pl.col(h) == spec["fail"]).fill_null(False)
            for h, ident in results.items()
            if ident in spec["critical"]
        ),
    ).filter(pl.col("applicable") > 0)
    counts_df, groups_df = pl.collect_all([counts, _polars_groups(per)])
    row = counts_df.row(0)
    return {
        "standards": {
            ident: [row[2 * i], row[2 * i + 1]] for i, ident in enumerate(results.values())
        },
        "groups": groups_df.rows(),
    }


def _polars_scan(spec: Spec) -> Any:
    import polars as pl

    return pl.scan_csv(
        _utf8_copy(spec), separator=spec["delimiter"], infer_schema=False, empty_string_is_null=True
    )


def _polars_groups(per: Any) -> Any:
    import polars as pl

    score = (
        pl.when(pl.col("red")).then(0.0).otherwise(100 * pl.col("passed") / pl.col("applicable"))
    )
    return per.group_by("site", "month").agg(score.sum().alias("sum"), pl.len().alias("scored"))


# --------------------------------------------------------------------------- shared


def _utf8_copy(spec: Spec) -> str:
    """The file itself if UTF-8; else a UTF-8 copy made now, inside the timed run (DuckDB and
    polars read UTF-8 only, short of an extension downloaded at run time)."""
    if spec["encoding"] in ("utf-8", "utf-8-sig"):
        return str(spec["path"])
    copy = Path(spec["scratch"])
    with (
        open(spec["path"], encoding=spec["encoding"], newline="") as source,
        open(copy, "w", encoding="utf-8", newline="") as target,
    ):
        while block := source.read(1 << 20):
            target.write(block)
    return str(copy)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


BASELINES = {
    "bare_csv": bare_csv,
    "bare_calamine": bare_calamine,
    "bare_openpyxl": bare_openpyxl,
    "duckdb_long": duckdb_long,
    "duckdb_wide": duckdb_wide,
    "polars_long": polars_long,
    "polars_wide": polars_wide,
}

if __name__ == "__main__":
    name, spec_path, out = sys.argv[1:4]
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    try:
        figures = BASELINES[name](spec)
    finally:
        if spec.get("scratch"):
            Path(spec["scratch"]).unlink(missing_ok=True)
    Path(out).write_text(json.dumps(figures, ensure_ascii=False, default=str), encoding="utf-8")
