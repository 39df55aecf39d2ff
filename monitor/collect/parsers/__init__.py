"""Parsers for saved or downloaded pages: plain functions over HTML, no Scrapy import."""
