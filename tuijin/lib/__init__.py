"""Helpers without models, shared by every app."""
