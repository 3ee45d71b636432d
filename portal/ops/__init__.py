"""Running the portal in production: the health check, backups and restores, who uses the database."""
