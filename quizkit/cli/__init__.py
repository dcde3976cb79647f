"""Thin command-line layer: each module parses arguments and calls one core function."""
