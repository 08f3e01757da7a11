"""Counter sales."""
