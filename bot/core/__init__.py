"""The coaching core: plain values in, plain data out.

Nothing in this package knows Telegram, TinyDB, feedparser or the clock: callers pass the current time and
get back what to store and what to say. A test keeps its imports to the standard library.
"""
