"""Organizers, shops, staff, teams and grants, audit log, money and tenancy helpers."""
