"""Reads spanning tables for the ledgers, the panels and the cockpit. Each function runs a
fixed, small number of queries whatever the number of projects."""
