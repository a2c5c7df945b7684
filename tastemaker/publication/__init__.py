"""Where recommendations are published and read back: a SQL database and files."""
