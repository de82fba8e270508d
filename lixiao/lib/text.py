"""Free text as stored."""


def plain_text(text):
    """Control characters (a NUL, which PostgreSQL refuses in text) become spaces; runs of spaces collapse."""
    text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in (text or ""))
    return " ".join(text.split())
