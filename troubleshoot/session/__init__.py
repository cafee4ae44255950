"""Running sessions: the pure engine first, the terminal last."""
