"""Capacity holds and counters: the one place that decides whether a place can be sold."""
