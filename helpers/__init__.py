"""Shared code of the L.Point marketing-analytics report.

Importing the package only pins Keras to the JAX backend (it must be set before the first
``import keras``); it does no logging, no IO and holds no global state.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

__version__ = "0.1.0"
