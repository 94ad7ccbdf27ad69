"""Korean particles for computed sentences: one rule for every chapter (은/는, 이/가, 을/를, 과/와, (으)로)."""
from __future__ import annotations

_DIGIT_BATCHIM = {"0": 21, "1": 8, "3": 16, "6": 1, "7": 8, "8": 8}  # 영 일 삼 육 칠 팔 (jongseong index)


def final_consonant(word: str) -> int | None:
    """Jongseong index of the last readable character (0 = none, 8 = ㄹ), None if it cannot be read.

    Hangul by its syllable, digits and % as read aloud; a Latin word gets None and :func:`josa` then writes
    both particles ("mobile이(가)") rather than guess.
    """
    for ch in reversed(str(word).rstrip(" )]")):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28
        if ch.isdigit():
            return _DIGIT_BATCHIM.get(ch, 0)
        if ch == "%":  # 퍼센트
            return 0
        if ch.isalpha():  # a Latin word (mobile, Seoul): its reading is not knowable here
            return None
    return None


def has_final_consonant(word: str) -> bool:
    return bool(final_consonant(word))


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` + the particle that fits it, e.g. ("여성", "이", "가") -> "여성이", ("서울", "으로", "로") -> "서울로"."""
    jong = final_consonant(word)
    if jong is None:
        return f"{word}{with_final}({without_final})"
    if with_final == "으로":  # ㄹ-final words take 로 (서울로)
        return f"{word}{'로' if jong in (0, 8) else '으로'}"
    return f"{word}{with_final if jong else without_final}"
