"""Writes to the breakthrough ledgers. Views, forms and commands call these; none of them
holds a business rule of its own."""
