"""How answers look to people: the console card, the Telegram HTML card, message splitting.

Every front end renders through this module so that escaping, splitting and citations live in
one place.
"""

from __future__ import annotations
