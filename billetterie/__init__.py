"""billetterie — self-hosted ticketing platform."""

__version__ = "0.1.0"
