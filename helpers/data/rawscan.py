"""One pass over a raw CSV's bytes, independent of the CSV parser: checksum, encoding, record count.

The count is what row accounting checks the parser against: a record ends at a newline outside double
quotes (RFC 4180; an escaped quote ``""`` keeps the parity). A quote that opens on one line and is not
closed within :data:`MAX_RECORD_LINES` lines is a *broken quote*: that physical line is set aside (with its
line number) instead of letting it swallow the rows after it, and counting resumes on the next line.
Blank lines are counted and set aside too. In UTF-8 and CP949 the bytes ``"`` and ``\\n`` never occur inside
a multi-byte character, so the count works on the raw bytes of either encoding.
"""
from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers.common.errors import DataError

CHUNK = 1 << 21  # 2 MB: numpy temporaries stay in reused heap memory (64 MB chunks cost page faults)
#: A quoted value may hold line breaks (valid CSV), but a record spanning more lines than this is a broken quote.
MAX_RECORD_LINES = 10
ENCODINGS = {"auto", "utf-8", "utf-8-sig", "cp949", "euc-kr"}


@dataclass
class RawScan:
    """What the byte scan found in one file (line numbers are 1-based physical lines, header = line 1)."""

    path: Path
    sha256: str
    encoding: str               # 'utf-8' or 'cp949'
    bom: bool
    lines: int                  # physical lines (a last line without newline counts)
    records: int                # data records (header, blank lines and broken-quote lines excluded)
    multiline_records: int      # records whose quoted values hold line breaks
    blank_lines: list[int] = field(default_factory=list)
    broken_quote_lines: list[int] = field(default_factory=list)
    continuation_lines: list[int] = field(default_factory=list)

    @property
    def set_aside(self) -> list[int]:
        return sorted(self.blank_lines + self.broken_quote_lines)


def _io_error(path: Path, exc: OSError, doing: str) -> DataError:
    from helpers.data.faults import describe_os_error
    return describe_os_error(path, exc, doing)


def _line_parities(path: Path, hashing: bool = True) -> tuple[str, tuple[np.ndarray, np.ndarray], np.ndarray, int,
                                                              bool]:
    """sha256, (odd-quote line numbers, their byte offsets), blank line numbers, physical lines, BOM.

    One pass in chunks; newlines and quotes are located with numpy and a line's quote parity is the number of
    quotes before its newline (``searchsorted``), so no per-byte Python work.
    """
    sha = hashlib.sha256() if hashing else None
    odd, offsets, blank = [], [], []
    carry = last = 0          # quote parity so far / at the last newline
    line0, prev_nl, size, bom = 0, -1, 0, False
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                bom = bom or (size == 0 and chunk.startswith(codecs.BOM_UTF8))
                if sha is not None:
                    sha.update(chunk)
                arr = np.frombuffer(chunk, dtype=np.uint8)
                nl = np.flatnonzero(arr == 10)
                quotes = np.flatnonzero(arr == 34)   # sparse: parity at a newline = quotes before it, mod 2
                if len(nl):
                    at_nl = ((np.searchsorted(quotes, nl) + carry) & 1).astype(np.int8)
                    at_start = np.concatenate([[last], at_nl[:-1]]).astype(np.int8)
                    starts = np.concatenate([[prev_nl - size], nl[:-1]])
                    flips = np.flatnonzero(at_nl != at_start)
                    odd.append(line0 + flips + 1)
                    offsets.append(size + starts[flips] + 1)
                    cr = arr[np.maximum(nl - 1, 0)] == 13
                    empty = (nl - starts == 1) | ((nl - starts == 2) & cr)
                    blank.append(line0 + np.flatnonzero(empty) + 1)
                    last, prev_nl = int(at_nl[-1]), size + int(nl[-1])
                carry = (carry + len(quotes)) & 1
                line0 += len(nl)
                size += len(arr)
    except OSError as exc:
        raise _io_error(path, exc, "reading") from None
    lines = line0 + (1 if size and prev_nl != size - 1 else 0)
    if lines > line0 and carry != last:  # last line without newline holds an odd number of quotes
        odd.append(np.array([lines]))
        offsets.append(np.array([prev_nl + 1]))
    return (sha.hexdigest() if sha else ""), (_cat(odd), _cat(offsets)), _cat(blank), lines, bom


def _cat(parts: list) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def _quote_state(line: bytes, in_quotes: bool) -> bool:
    """Whether a CSV line ends inside a quoted value (a quote opens a value only at its start, as DuckDB reads)."""
    i, n, at_start = 0, len(line), not in_quotes
    while i < n:
        c = line[i]
        if in_quotes:
            if c == 34:
                if i + 1 < n and line[i + 1] == 34:
                    i += 2
                    continue
                in_quotes = False
            at_start = False
        else:
            in_quotes = c == 34 and at_start
            at_start = c == 44
        i += 1
    return in_quotes


def _resolve_quotes(path: Path, odd: tuple[np.ndarray, np.ndarray]) -> tuple[list[tuple[int, int]], list[int]]:
    """Multi-line records (first, last line) and broken-quote lines, read only around odd-quote lines."""
    spans, broken, done = [], [], 0
    with open(path, "rb") as fh:
        for line, offset in zip(odd[0].tolist(), odd[1].tolist()):
            if line <= done:
                continue
            fh.seek(offset)
            in_quotes, k = False, -1
            for k in range(MAX_RECORD_LINES):
                text = fh.readline()
                if not text:
                    break
                in_quotes = _quote_state(text, in_quotes)
                if not in_quotes:
                    break
            if in_quotes:
                broken.append(line)
            elif k > 0:
                spans.append((line, line + k))
                done = line + k
    return spans, broken


def check_encoding(path: Path, encoding: str) -> str:
    """Decode the whole file; return 'utf-8' or 'cp949' or raise naming the line and the fix."""
    if encoding not in ENCODINGS:
        raise DataError(f"encoding='{encoding}' is not supported: use one of {sorted(ENCODINGS)}.")
    tries = ["utf-8", "cp949"] if encoding == "auto" else ["utf-8" if encoding.startswith("utf") else "cp949"]
    failures = []
    for enc in tries:
        bad = _first_bad_line(path, enc)
        if bad is None:
            return enc
        failures.append((enc, bad))
    detail = "; ".join(f"as {enc} line {line} is invalid" for enc, line in failures)
    hint = ("re-save the file as UTF-8, or pass encoding='auto' (detects CP949 files one by one)"
            if encoding != "auto" else "re-save the file as UTF-8 (one encoding for the whole file)")
    raise DataError(f"File '{path}' cannot be decoded ({detail}): {hint}.")


def _first_bad_line(path: Path, enc: str) -> int | None:
    dec = codecs.getincrementaldecoder("utf-8-sig" if enc == "utf-8" else enc)(errors="strict")
    lines = 0
    try:
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                try:
                    dec.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    return lines + chunk.count(b"\n", 0, max(0, exc.start)) + 1
                if not chunk:
                    return None
                lines += chunk.count(b"\n")
    except OSError as exc:
        raise _io_error(path, exc, "reading") from None


def scan(path: str | Path, encoding: str = "auto", sha256: str | None = None) -> RawScan:
    """Checksum (unless given), encoding (whole file) and the parser-independent record count of one CSV."""
    path = Path(path)
    sha, odd, blank, lines, bom = _line_parities(path, hashing=sha256 is None)
    sha = sha256 or sha
    enc = check_encoding(path, encoding)
    try:
        spans, broken = _resolve_quotes(path, odd)
    except OSError as exc:
        raise _io_error(path, exc, "reading") from None
    inside = np.zeros(0, np.int64)
    if spans:
        inside = np.concatenate([np.arange(a + 1, b + 1) for a, b in spans])
    blank_list = [int(b) for b in np.setdiff1d(blank, inside) if b > 1 and b not in set(broken)]
    records = max(0, lines - 1 - len(inside) - len(broken) - len(blank_list))
    return RawScan(path=path, sha256=sha, encoding=enc, bom=bom, lines=lines, records=records,
                   multiline_records=len(spans), blank_lines=blank_list, broken_quote_lines=broken,
                   continuation_lines=inside.tolist())


def physical_lines(scan: RawScan, record_lines) -> list[int]:
    """Physical line numbers of records numbered as the parser numbers them (header = 1, set-aside lines
    removed): the k-th line that is neither a continuation line of a multi-line record nor set aside."""
    skip = np.array(sorted(scan.continuation_lines + scan.set_aside), dtype=np.int64)
    out = []
    for k in record_lines:
        line = int(k)
        while True:
            nxt = int(k) + int(np.searchsorted(skip, line, side="right"))
            if nxt == line:
                break
            line = nxt
        out.append(line)
    return out


def without_lines(path: Path, drop: list[int], dest: Path) -> Path:
    """Copy ``path`` to ``dest`` leaving out the given physical lines (1-based)."""
    skip = set(drop)
    try:
        with open(path, "rb") as src, open(dest, "wb") as out:
            for i, line in enumerate(src, 1):
                if i not in skip:
                    out.write(line)
    except OSError as exc:
        raise _io_error(dest, exc, "writing") from None
    return dest
