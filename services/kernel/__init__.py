"""What every service legitimately shares: ESN vocabulary, ids and their checks, field
violations, geo distance, text folding and page tokens. Pure code, no I/O but reading its own
data; it imports no service (an import-linter contract in pyproject.toml keeps it so)."""
