"""Horse race."""
