"""tracker: local, encrypted participant outcome tracker for Swedish Samordningsteam."""

__version__ = "0.1.0"
