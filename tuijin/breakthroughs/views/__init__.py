"""Pages of the five breakthroughs. Thin: they check policy, call selectors and services, render."""
