"""The desk's pages, one job each."""
