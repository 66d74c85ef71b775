"""Built-in question sets, shipped inside the package as data."""
