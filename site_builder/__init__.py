"""Partner Club site builder: the content model and the two-phase MkDocs build."""

__version__ = "0.1.0"
