"""Package data for mi_toolkit: scenarios, prompts and styles (read with importlib.resources)."""
