"""Writes of the open-data app: webhook subscriptions and deliveries, API tokens."""
