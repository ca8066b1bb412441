"""Owners at home: the Textual intake in a browser, by invitation, behind a layer that makes textual-serve safe
to expose (codes, expiry, rate limits, Origin check, a cap on app processes).

Pure parts (codes, invitations, limits) never import Textual or aiohttp; only `server` and `child` do.
"""
