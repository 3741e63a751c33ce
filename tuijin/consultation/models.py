"""Consultation."""
