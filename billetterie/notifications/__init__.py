"""Email outbox: any app hands it a message; a task sends it. Knows no domain model."""
