"""The TUI's words: catalog lookups in the app's language, and key bindings in that language.

Bindings are declared at class level, before the language is known, so they name a catalog key
as their description; ``localise_bindings`` swaps in the text when a screen is built.
"""

from __future__ import annotations

from dataclasses import replace

# Textual keeps the running app in this context variable (textual/__init__.py reads it too).
from textual._context import active_app
from textual.binding import Binding
from textual.dom import DOMNode

from tracker.i18n import CATALOG, get_language, t


def current_language() -> str:
    """The running app's language (``TrackerApp.lang``), else the process's."""
    try:
        return str(getattr(active_app.get(), "lang", None) or get_language())
    except LookupError:
        return get_language()


def tr(key: str, /, **params: object) -> str:
    """Catalog text in the running app's language."""
    return t(key, current_language(), **params)


def binding_text(text: str, lang: str | None = None) -> str:
    """A binding's description: the catalog text when it names a key, else as written."""
    return t(text, lang or current_language()) if text in CATALOG else text


def localise_bindings(node: DOMNode, lang: str | None = None) -> None:
    """Translate the node's own binding descriptions (Textual keeps a per-instance copy)."""
    lang = lang or current_language()

    def localised(binding: Binding) -> Binding:
        return replace(
            binding,
            description=binding_text(binding.description, lang),
            tooltip=binding_text(binding.tooltip, lang) if binding.tooltip else "",
        )

    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [localised(binding) for binding in items]
        for key, items in bindings.key_to_bindings.items()
    }
