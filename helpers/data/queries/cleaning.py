"""The cleaning of the six tables as a chain of SELECT steps in the shared SQL subset (DuckDB and Spark).

Each function returns one ``SELECT`` over relations the previous steps registered; the orchestration (which
step, which relation name, the cleaning-log rows and the row accounting) lives in :mod:`helpers.data.engine`
and :mod:`helpers.data.cleaning`. Spellings that differ between engines come from the dialect ``d``
(:class:`helpers.data.backends.base.Dialect`: ``full_match``, ``yyyymmdd``, ``row_hash``).

The chain of one table ``t`` (``raw_t`` holds every column as text plus ``_row``, the record's order in the
file; the relation names are the engine's):

============ ============================= =====================================================================
relation     query                         rows
============ ============================= =====================================================================
``t_k``      :func:`typed_sql`             every parsed record: typed values, ``_why`` (drop reason, NULL when
                                           kept), value kinds ``_k_<c>`` and NA flags ``_b_<c>`` for the log
(log)        :func:`typed_counts_sql`      one aggregate: drops per reason, repairs per column
``t_t``      :func:`kept_sql`              the rows kept so far (typed columns and ``_row``)
``t_dk``     :func:`repeated_keys_sql`     hashes of keys that occur more than once (usually few)
``t_dup``    :func:`duplicate_rows_sql`    the later rows of a repeated key, ``_exact`` = 1 for an exact copy
``t_u``      :func:`without_rows_sql`      ``t_t`` without ``t_dup``
``t``        ``master_sql`` & co.          the cleaned table (named repairs of codes and prices)
============ ============================= =====================================================================

Every query here is portable: ``TRY_CAST`` for casts that may fail, ``CASE`` instead of boolean casts, no DML.
The kinds of a value are small integer codes (:data:`K`), materialised as ``TINYINT``.
"""
from __future__ import annotations

from dataclasses import dataclass

from helpers.common import config
from helpers.common.labels import AGE_BANDS

#: Value kinds (see :mod:`helpers.data.cleaning`); the code is the position.
KINDS = ("ok", "sep", "dot0", "dotk", "frac", "hex", "nonfinite", "text", "empty", "impossible", "format", "neg",
         "nonpos")
K = {name: i for i, name in enumerate(KINDS)}
#: The regular expressions of the number kinds, tried in this order (the whole trimmed text must match).
PATTERNS = {"ok": "[-+]?[0-9]+", "sep": "[-+]?[0-9]{1,3}(,[0-9]{3})+", "dotk": r"[-+]?[0-9]{1,3}(\.[0-9]{3})+",
            "dot0": r"[-+]?[0-9]+\.0+", "frac": r"[-+]?([0-9]*\.[0-9]+|[0-9]+\.?)([eE][-+]?[0-9]+)?",
            "hex": "[-+]?0x[0-9a-f]+", "nonfinite": "[-+]?(inf|infinity|nan)"}
#: The cleaning runs over ``raw_<key>`` relations, not the window relations of the parity harness: its parity
#: check is the whole chain, :func:`helpers.data.engine.clean_raw_tables`, on both engines (see that function).
PARITY_CASES: list = []
#: Category of a purchase line whose PD_C is not in Master (its revenue is kept, counted in the log).
UNCLASSIFIED = "(미분류)"


@dataclass(frozen=True)
class Col:
    """A typed column: ``kind`` int / float / date / text / raw; ``bad`` drop (row), null (value → NA) or keep."""

    name: str
    kind: str = "int"
    bad: str = "drop"
    minimum: str = ""          # "neg": < 0 is bad; "nonpos": <= 0 is bad


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_lit(v) if isinstance(v, str) else str(int(v)) for v in values) + ")"


def _flag(cond: str) -> str:
    """1 where ``cond`` holds, else 0 (NULL counts as 0): the portable spelling of a boolean sum term."""
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


# --------------------------------------------------------------------------------------------------
# Step 1: typed values and the drop reason
# --------------------------------------------------------------------------------------------------

def kind_sql(d, v: str) -> str:
    """The kind code (TINYINT) of the trimmed text ``v`` of a number column (module table of cleaning.py).

    ``TRY_CAST`` is not used to classify: it reads ``0x10`` as 16, ``1e3`` as 1000 and rounds ``1.5`` to 2.
    """
    fm, k = d.full_match, K
    low = f"lower({v})"
    return f"""CAST(CASE WHEN {v} IS NULL OR {v} = '' THEN {k['empty']}
        WHEN {fm(v, PATTERNS['ok'])} THEN {k['ok']}
        WHEN {fm(v, PATTERNS['sep'])} THEN {k['sep']}
        WHEN {fm(v, PATTERNS['dotk'])} THEN {k['dotk']}
        WHEN {fm(v, PATTERNS['dot0'])} THEN {k['dot0']}
        WHEN {fm(v, PATTERNS['frac'])} THEN {k['frac']}
        WHEN {fm(low, PATTERNS['hex'])} THEN {k['hex']}
        WHEN {fm(low, PATTERNS['nonfinite'])} THEN {k['nonfinite']}
        ELSE {k['text']} END AS TINYINT)"""


def date_kind_sql(d, v: str) -> str:
    """The kind code of a ``YYYYMMDD`` date text: ok, empty, impossible (``20180231``) or another format."""
    return f"""CAST(CASE WHEN {v} IS NULL OR {v} = '' THEN {K['empty']}
        WHEN {d.full_match(v, '[0-9]{8}')} THEN
            CASE WHEN {d.yyyymmdd(v)} IS NULL THEN {K['impossible']} ELSE {K['ok']} END
        ELSE {K['format']} END AS TINYINT)"""


def _ok_kinds(c: Col) -> str:
    names = ("ok", "sep", "dot0", "frac") if c.kind == "float" else ("ok", "sep", "dot0")
    return "(" + ", ".join(str(K[n]) for n in names) + ")"


def bad_sql(c: Col) -> tuple[str, str]:
    """(condition, reason-kind code) of a bad value of ``c`` over the parsed level (``_k_c``, ``_v_c``)."""
    if c.kind == "text":
        return f"{c.name} IS NULL", str(K["empty"])
    if c.kind == "date":
        return f"_k_{c.name} <> {K['ok']}", f"_k_{c.name}"
    below = {"neg": f"_v_{c.name} < 0", "nonpos": f"_v_{c.name} <= 0"}.get(c.minimum, "false")
    cond = f"(_k_{c.name} NOT IN {_ok_kinds(c)} OR {below})"
    reason = f"CASE WHEN _k_{c.name} NOT IN {_ok_kinds(c)} THEN _k_{c.name} ELSE {K.get(c.minimum, 0)} END"
    return cond, reason


def drop_columns(cols: list[Col]) -> list[Col]:
    """The columns whose bad value drops the row (their position × 100 + kind code is the reason code)."""
    return [c for c in cols if c.kind != "raw" and c.bad == "drop"]


def _parsed_sql(d, cols: list[Col], raw: str) -> str:
    """Level 1: per column its kind ``_k_<c>`` and value ``_v_<c>`` (numbers) or its clean value (text, date)."""
    parts = ["_row"]
    for c in cols:
        t = f"trim({c.name})"
        if c.kind == "raw":
            parts.append(c.name)
        elif c.kind == "text":
            parts.append(f"nullif({t}, '') AS {c.name}")
        elif c.kind == "date":
            parts += [f"{date_kind_sql(d, t)} AS _k_{c.name}", f"{d.yyyymmdd(t)} AS {c.name}"]
        else:
            parts += [f"{kind_sql(d, t)} AS _k_{c.name}", f"TRY_CAST(replace({t}, ',', '') AS DOUBLE) AS _v_{c.name}"]
    return f"SELECT {', '.join(parts)} FROM {raw}"


def typed_sql(d, cols: list[Col], raw: str) -> str:
    """Every parsed record of ``raw`` typed: ``_row``, ``_why`` (INT reason code of the first bad "drop" column,
    NULL when the row stays), the typed columns (bad values of "null" columns already NA; ints BIGINT), and for
    the log the kind ``_k_<c>`` of every number column and the NA flag ``_b_<c>`` of every "null" column."""
    drop = drop_columns(cols)
    why = " ".join(f"WHEN {bad_sql(c)[0]} THEN {i * 100} + {bad_sql(c)[1]}" for i, c in enumerate(drop))
    parts = ["_row", f"CAST(CASE {why} END AS INT) AS _why" if why else "CAST(NULL AS INT) AS _why"]
    logs = []
    for c in cols:
        if c.kind in ("raw", "text", "date"):
            parts.append(c.name)
            continue
        value = f"_v_{c.name}" if c.kind == "float" else f"TRY_CAST(_v_{c.name} AS BIGINT)"
        if c.bad == "null":
            value = f"CASE WHEN {bad_sql(c)[0]} THEN NULL ELSE {value} END"
            not_empty = f" AND _k_{c.name} <> {K['empty']}"
            logs.append(f"{_flag(bad_sql(c)[0] + not_empty)} AS _b_{c.name}")
        parts.append(f"{value} AS {c.name}")
        logs.append(f"_k_{c.name}")
    return f"SELECT {', '.join(parts + logs)} FROM ({_parsed_sql(d, cols, raw)}) _p"


def typed_counts_sql(cols: list[Col], typed: str, extra: dict[str, str] | None = None) -> str:
    """One aggregate over ``typed`` grouped by ``_why``: ``n`` rows, then per number column the rows with
    separators (``sep_<c>``), a trailing ``.0`` (``dot0_<c>``) and, for "null" columns, values set to NA
    (``na_<c>``); ``extra`` adds named counts of conditions. Drops are the rows of non-NULL ``_why``; repairs
    and ``extra`` counts are read from the ``_why IS NULL`` row (the rows that stay)."""
    sums = []
    for c in cols:
        if c.kind not in ("int", "float"):
            continue
        sep, dot0 = f"_k_{c.name} = {K['sep']}", f"_k_{c.name} = {K['dot0']}"
        sums += [f"sum({_flag(sep)}) AS sep_{c.name}", f"sum({_flag(dot0)}) AS dot0_{c.name}"]
        if c.bad == "null":
            sums.append(f"sum(_b_{c.name}) AS na_{c.name}")
    sums += [f"sum({_flag(cond)}) AS {name}" for name, cond in (extra or {}).items()]
    return f"SELECT _why, count(*) AS n{''.join(', ' + s for s in sums)} FROM {typed} GROUP BY _why ORDER BY _why"


def kept_sql(cols: list[Col], typed: str, where: str = "true") -> str:
    """The rows of ``typed`` that stay (``_why`` NULL and ``where``): ``_row`` and the typed columns."""
    return f"SELECT _row, {', '.join(c.name for c in cols)} FROM {typed} WHERE _why IS NULL AND {where}"


# --------------------------------------------------------------------------------------------------
# Step 2: duplicates (first row in the file wins)
# --------------------------------------------------------------------------------------------------

def repeated_keys_sql(d, rel: str, key: list[str]) -> str:
    """The hashes ``_kh`` of keys that occur more than once in ``rel`` (a collision only adds candidates:
    :func:`duplicate_rows_sql` ranks by the key itself)."""
    return f"SELECT {d.row_hash(key)} AS _kh FROM {rel} GROUP BY ALL HAVING count(*) > 1"


def duplicate_rows_sql(d, rel: str, key: list[str], cols: list[str], repeated: str) -> str:
    """The rows of ``rel`` after the first (in file order) of their key: ``_row`` and ``_exact`` (1 when an
    earlier row of the key has the same values in ``cols``, else 0: a conflicting duplicate)."""
    k = ", ".join(key)
    cand = (f"SELECT * FROM (SELECT _row, {', '.join(cols)}, {d.row_hash(key)} AS _kh FROM {rel}) _c "
            f"SEMI JOIN {repeated} USING (_kh)")
    ranked = f"""SELECT _row, row_number() OVER (PARTITION BY {k} ORDER BY _row) AS _rk,
            row_number() OVER (PARTITION BY {k}, _h ORDER BY _row) AS _ek
        FROM (SELECT _row, {k}, {d.row_hash(cols)} AS _h FROM ({cand}) _s) _hh"""
    return f"SELECT _row, CASE WHEN _ek > 1 THEN 1 ELSE 0 END AS _exact FROM ({ranked}) _r WHERE _rk > 1"


def duplicate_counts_sql(dup: str) -> str:
    """(rows dropped as duplicates, of which exact copies)."""
    return f"SELECT count(*), coalesce(sum(_exact), 0) FROM {dup}"


def without_rows_sql(rel: str, rows: str) -> str:
    """``rel`` without the ``_row`` values listed in ``rows``."""
    return f"SELECT * FROM {rel} ANTI JOIN (SELECT _row FROM {rows}) _x USING (_row)"


# --------------------------------------------------------------------------------------------------
# Step 3: the named repairs per table
# --------------------------------------------------------------------------------------------------

GENDERS = _in(config.GENDERS)
AGES = _in(AGE_BANDS)
DEVICES = _in(config.DEVICES)


def master_counts_sql(rel: str) -> str:
    """Master rows without a CLAC1 category (repaired to :data:`UNCLASSIFIED`)."""
    return f"SELECT sum({_flag('CLAC1_NM IS NULL')}) FROM {rel}"


def master_sql(rel: str) -> str:
    u = _lit(UNCLASSIFIED)
    return f"""SELECT _row, PD_C, PD_NM, coalesce(CLAC1_NM, {u}) AS CLAC1_NM, coalesce(CLAC2_NM, {u}) AS CLAC2_NM,
        coalesce(CLAC3_NM, {u}) AS CLAC3_NM FROM {rel}"""


def custom_counts_sql(rel: str) -> str:
    """(lower-case genders, genders not F/M, ages not a band)."""
    return f"""SELECT sum({_flag(f'CLNT_GENDER <> upper(CLNT_GENDER) AND upper(CLNT_GENDER) IN {GENDERS}')}),
        sum({_flag(f'upper(CLNT_GENDER) NOT IN {GENDERS} OR CLNT_GENDER IS NULL')}),
        sum({_flag(f'CLNT_AGE IS NULL OR CLNT_AGE NOT IN {AGES}')}) FROM {rel}"""


def custom_sql(rel: str) -> str:
    return f"""SELECT _row, CLNT_ID, CASE WHEN upper(CLNT_GENDER) IN {GENDERS} THEN upper(CLNT_GENDER) END AS CLNT_GENDER,
        CASE WHEN CLNT_AGE IN {AGES} THEN CLNT_AGE END AS CLNT_AGE FROM {rel}"""


def session_counts_sql(rel: str) -> str:
    """(missing session seconds, missing page views, capitalised devices, devices not known)."""
    return f"""SELECT sum({_flag('TOT_SESS_HR_V IS NULL')}), sum({_flag('TOT_PAG_VIEW_CT IS NULL')}),
        sum({_flag(f'DVC_CTG_NM <> lower(DVC_CTG_NM) AND lower(DVC_CTG_NM) IN {DEVICES}')}),
        sum({_flag(f'DVC_CTG_NM IS NULL OR lower(DVC_CTG_NM) NOT IN {DEVICES}')}) FROM {rel}"""


def session_sql(rel: str) -> str:
    return f"""SELECT _row, CLNT_ID, SESS_ID, SESS_SEQ, SESS_DT, TOT_PAG_VIEW_CT, TOT_SESS_HR_V,
        CASE WHEN lower(DVC_CTG_NM) IN {DEVICES} THEN lower(DVC_CTG_NM) END AS DVC_CTG_NM, ZON_NM, CITY_NM
        FROM {rel}"""


def price_reference_sql(rel: str, master: str) -> str:
    """Per PD_C of ``rel``: in Master (``_in_master``), in a ÷1000 category (``_fix_cat``) and the reference
    price ``_ref``: the median unit price of the product (lines ≥ PRICE_DIV1000_BELOW), or for a product seen
    once of its CLAC3 group (DATA.md). Only products of the listed categories get a reference."""
    cats, below = _in(config.PRICE_DIV1000_CATEGORIES), config.PRICE_DIV1000_BELOW
    return f"""WITH j AS (SELECT p.PD_C, p.PD_BUY_AM, m.CLAC3_NM FROM {rel} p JOIN {master} m ON m.PD_C = p.PD_C
                   WHERE m.CLAC1_NM IN {cats} AND p.PD_BUY_AM >= {below}),
        ref_pd AS (SELECT PD_C, median(PD_BUY_AM) AS ref FROM j GROUP BY PD_C),
        ref_c3 AS (SELECT CLAC3_NM, median(PD_BUY_AM) AS ref FROM j GROUP BY CLAC3_NM)
        SELECT k.PD_C, CASE WHEN m.PD_C IS NULL THEN 0 ELSE 1 END AS _in_master,
            CASE WHEN m.CLAC1_NM IN {cats} THEN 1 ELSE 0 END AS _fix_cat, coalesce(rp.ref, rc.ref) AS _ref
        FROM (SELECT DISTINCT PD_C FROM {rel}) k LEFT JOIN {master} m ON m.PD_C = k.PD_C
        LEFT JOIN ref_pd rp ON rp.PD_C = k.PD_C LEFT JOIN ref_c3 rc ON rc.CLAC3_NM = m.CLAC3_NM"""


def div1000_sql(p: str = "p", r: str = "r") -> str:
    """The ÷1000 price-error condition of a line ``p`` with its reference ``r`` (never NULL)."""
    below = config.PRICE_DIV1000_BELOW
    return (f"coalesce({r}._fix_cat = 1 AND {p}.PD_BUY_AM > 0 AND {p}.PD_BUY_AM < {below} "
            f"AND {p}.PD_BUY_AM * 1000 BETWEEN 0.2 * {r}._ref AND 5 * {r}._ref, false)")


def product_sql(rel: str, ref: str) -> str:
    """The cleaned Product: ÷1000 prices repaired (×1000), price DOUBLE, quantity BIGINT."""
    return f"""SELECT p._row, p.CLNT_ID, p.SESS_ID, p.HITS_SEQ, p.PD_C, p.PD_ADD_NM, p.PD_BRA_NM,
        CAST(CASE WHEN {div1000_sql()} THEN p.PD_BUY_AM * 1000 ELSE p.PD_BUY_AM END AS DOUBLE) AS PD_BUY_AM,
        CAST(p.PD_BUY_CT AS BIGINT) AS PD_BUY_CT FROM {rel} p LEFT JOIN {ref} r ON r.PD_C = p.PD_C"""


def product_counts_sql(rel: str, ref: str, session: str) -> str:
    """One pass over the lines grouped by session: (lines whose PD_C is not in Master, lines without a session,
    their revenue as written, ÷1000 repairs, sessions whose repaired total exceeds SESSION_OUTLIER_KRW)."""
    g = f"""SELECT p.CLNT_ID, p.SESS_ID, count(*) AS n, sum(CASE WHEN r._in_master = 1 THEN 0 ELSE 1 END) AS nomaster,
            sum(p.PD_BUY_AM * p.PD_BUY_CT) AS rev, sum({_flag(div1000_sql())}) AS fix,
            sum(CASE WHEN {div1000_sql()} THEN p.PD_BUY_AM * 1000 ELSE p.PD_BUY_AM END * p.PD_BUY_CT) AS total
        FROM {rel} p LEFT JOIN {ref} r ON r.PD_C = p.PD_C GROUP BY p.CLNT_ID, p.SESS_ID"""
    return f"""SELECT coalesce(sum(g.nomaster), 0), coalesce(sum(CASE WHEN s.CLNT_ID IS NULL THEN g.n ELSE 0 END), 0),
        coalesce(sum(CASE WHEN s.CLNT_ID IS NULL THEN g.rev ELSE 0 END), 0), coalesce(sum(g.fix), 0),
        coalesce(sum({_flag(f'g.total > {config.SESSION_OUTLIER_KRW}')}), 0)
        FROM ({g}) g LEFT JOIN (SELECT CLNT_ID, SESS_ID FROM {session}) s
        ON s.CLNT_ID = g.CLNT_ID AND s.SESS_ID = g.SESS_ID"""


def output_sql(rel: str, columns: list[str]) -> str:
    """The cleaned table as written: its columns in file order."""
    return f"SELECT {', '.join(columns)} FROM {rel} ORDER BY _row"
