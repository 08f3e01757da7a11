"""Ticket secrets and signatures, scan devices, scan lists, check-ins."""
