"""Normalisation: raw items into post records (text, dates, URLs, places, matching text)."""
