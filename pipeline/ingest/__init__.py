"""Ingest: where articles come from (files, folders, URLs, sitemaps) and reading their bytes, through the guarded fetcher."""
