"""Reporters: Report -> files and terminal text. The only stage besides importers that does I/O."""
