"""Writes to projects, libraries and the lifecycle. Views, forms, the API and commands call
these; none of them holds a business rule of its own."""
