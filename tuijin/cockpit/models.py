"""Cockpit."""
