"""Renderers: rich tables for people; JSON, JSONL, CSV and TSV for programs."""
