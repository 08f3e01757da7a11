"""Built-in providers: free orders, pay on site, and the test card."""
