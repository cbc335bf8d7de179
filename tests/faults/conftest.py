"""The fault suite: the short version runs by default; ``-m slow`` runs the long one (the
root conftest leaves tests marked ``slow`` out of the default run)."""
