"""Date formats: Swiss conventions (31.12.2026, 24-hour clock) in every language."""
