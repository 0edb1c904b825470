"""dateline: a static site generator for bilingual news publishers."""

__version__ = "0.1.0"
