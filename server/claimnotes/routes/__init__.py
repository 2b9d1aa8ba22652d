"""Thin HTTP controllers: parse, call the store or the index, shape the answer."""
