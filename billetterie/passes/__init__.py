"""Pass categories, passes, validation, renewal, resale campaigns."""
