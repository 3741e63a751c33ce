"""Rural cluster development."""
