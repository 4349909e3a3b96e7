"""wagecases app (see ../shared/architecture.md); filled in by its own issue."""
