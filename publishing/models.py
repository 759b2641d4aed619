"""Data of the app."""
