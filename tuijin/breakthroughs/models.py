"""Five breakthroughs."""
