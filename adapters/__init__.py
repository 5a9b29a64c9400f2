"""Platform adapters: translate platform payloads into ``Command`` and render ``Message``."""
