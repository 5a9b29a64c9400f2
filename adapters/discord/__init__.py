"""The Discord adapter (discord.py): app commands in, embeds out.

Only this package imports discord; the core stays platform-neutral.
"""
