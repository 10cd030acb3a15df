"""Python helpers for the messaging revenue attribution warehouse."""
