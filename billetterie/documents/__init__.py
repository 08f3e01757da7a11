"""Pure renderers: plain data in, PDF/XLSX/ZIP out. Never imports a model."""
