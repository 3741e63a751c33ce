"""The cockpit has no tables of its own: it reads the other apps' selectors."""
