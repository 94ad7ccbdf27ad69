"""The project's error types, defined once so every layer can raise and catch them without import cycles."""
from __future__ import annotations


class DataError(ValueError):
    """Bad input data: the message names the file, column or parameter and what to change."""
