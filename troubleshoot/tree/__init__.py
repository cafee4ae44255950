"""Authoring: the tree format and everything that reads it."""
