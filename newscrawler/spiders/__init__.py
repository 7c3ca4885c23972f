"""The `news` spider (one generic spider for every site)."""
