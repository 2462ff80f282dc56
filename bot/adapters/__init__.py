"""Translators between third-party libraries (and files) and the project's own types: one module per library."""
