"""Amounts of money as people type and export them."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000000")  # what a task's amount column holds (12 digits, 2 after the point)


def parse_amount(value) -> Decimal | None:
    """'1,200.5' / '￥35.8' / '35.8元' / 35.8 -> Decimal('35.80'); '' or None -> None.

    Raises ValueError for anything that is not a non-negative amount below ten billion (NaN, Infinity, 1e20, -5)."""
    if value is None:
        return None
    text = str(value)
    cleaned = text.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValueError(text)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
