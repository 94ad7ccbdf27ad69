"""Writing tables in the real CSV format (zero-padded ids, separators, BOM, CP949) with DuckDB."""
from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa

from helpers.data.synthetic.constants import ZERO_PAD_RATE

# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------

def _pad_flags(rng, n: int) -> np.ndarray:
    """0 = plain, 1 = one leading zero, 2 = two leading zeros."""
    u = rng.random(n)
    return np.where(u < ZERO_PAD_RATE * 0.6, 1, np.where(u < ZERO_PAD_RATE, 2, 0)).astype(np.int8)


def _id_sql(col: str, pad: str) -> str:
    return (f"CASE {pad} WHEN 1 THEN '0' || {col}::VARCHAR WHEN 2 THEN '00' || {col}::VARCHAR "
            f"ELSE {col}::VARCHAR END")


def _dict_array(indices: np.ndarray, vocab) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)), pa.array(vocab))


class _Writer:
    """Writes SELECTs over Arrow tables as CSV with DuckDB, then adds header, BOM and encoding."""

    def __init__(self, encoding: str, bom: bool):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = true")
        self.encoding = encoding
        self.bom = bom

    def write(self, path: Path, table: pa.Table, select: str, columns, force_quote=()) -> None:
        body = path.with_name(path.name + ".body")
        self.con.register("t", table)
        opts = "HEADER false, DELIMITER ','"
        if force_quote:
            opts += ", FORCE_QUOTE (" + ", ".join(force_quote) + ")"
        target = str(body).replace("'", "''")
        self.con.execute(f"COPY ({select} FROM t) TO '{target}' ({opts})")
        self.con.unregister("t")
        with open(path, "wb") as out:
            if self.bom:
                out.write(codecs.BOM_UTF8)
            out.write((",".join(columns) + "\n").encode(self.encoding))
            with open(body, "rb") as src:
                if self.encoding == "utf-8":
                    shutil.copyfileobj(src, out, 16 << 20)
                else:
                    dec = codecs.getincrementaldecoder("utf-8")()
                    while chunk := src.read(16 << 20):
                        out.write(dec.decode(chunk).encode(self.encoding))
                    out.write(dec.decode(b"", final=True).encode(self.encoding))
        body.unlink()

    def close(self) -> None:
        self.con.close()


