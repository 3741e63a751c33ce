"""Excel ledgers."""
