"""Catalog services: events, dates, venues and prices. One transaction each."""
