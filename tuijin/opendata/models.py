"""Open API and open data."""
