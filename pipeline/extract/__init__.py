"""Extract: bytes to a Document (decoding, HTML, Markdown or text, boilerplate removal, dates)."""
