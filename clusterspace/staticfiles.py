"""Cache headers for the static files that WhiteNoise serves."""

ONE_YEAR = 60 * 60 * 24 * 365


def cache_hashed_files_for_a_year(headers, path, url):
    """Hashed files (name changes with content) are cached for a year and never revalidated.

    WhiteNoise marks them immutable with a ten-year lifetime; a year is the conventional
    maximum. Unhashed files keep WHITENOISE_MAX_AGE.
    """
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
