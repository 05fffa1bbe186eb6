"""TOTP codes for browser journeys, which take a moment between reading a code and sending it."""

import time

from allauth.mfa import app_settings

from tests.conftest import totp_code

# A code read this close to the end of its period could expire before the server checks it.
MIN_SECONDS_LEFT = 3.0


def usable_totp_code(secret: str) -> str:
    """The current code, waiting for the next period first if this one is about to end."""
    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < MIN_SECONDS_LEFT:
        time.sleep(left + 0.1)
    return totp_code(secret)
