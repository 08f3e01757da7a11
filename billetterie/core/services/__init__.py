"""Core services: plain functions that change state, one transaction each, keyword-only."""
