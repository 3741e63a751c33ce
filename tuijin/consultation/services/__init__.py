"""Every write of the consultation app: `<entity>_<action>(*, ..., by)` in a transaction."""
