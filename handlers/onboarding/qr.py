"""Printable QR codes of a channel: PNG and SVG rendered locally (segno), with the channel's
name printed under the code. PNG captions need a font with Chinese glyphs: the first of
FONT_CANDIDATES found is used; without one the caption falls back to the channel code."""
from __future__ import annotations

import io
from html import escape
from pathlib import Path

import segno

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
SCALE, BORDER = 10, 4


def _qr(url: str) -> segno.QRCode:
    if not url:
        raise ValueError("the channel has no QR code URL (was it created on the platform?)")
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, caption: str) -> bytes:
    """An SVG of the QR code with ``caption`` centred under it."""
    buf = io.BytesIO()
    _qr(url).save(buf, kind="svg", scale=SCALE, border=BORDER, xmldecl=False, svgns=True)
    svg = buf.getvalue().decode("utf-8")
    size = _qr(url).symbol_size(scale=SCALE, border=BORDER)[0]
    band = 48
    text = (f'<text x="{size / 2:.0f}" y="{size + band / 2 + 8:.0f}" text-anchor="middle" '
            f'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" font-size="24">'
            f"{escape(caption)}</text>")
    head, body = svg.split(">", 1)
    head = head.replace(f'height="{size}"', f'height="{size + band}"')
    if "viewBox" in head:
        head = head.replace(f'viewBox="0 0 {size} {size}"', f'viewBox="0 0 {size} {size + band}"')
    else:
        head += f' viewBox="0 0 {size} {size + band}"'
    body = body.replace("</svg>", f'<rect y="{size}" width="{size}" height="{band}" fill="#fff"/>{text}</svg>')
    return f"{head}>{body}".encode("utf-8")


def _font(size: int):
    from PIL import ImageFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size), False


def qr_png(url: str, caption: str, fallback_caption: str = "") -> bytes:
    """A PNG of the QR code with ``caption`` under it (``fallback_caption`` when no installed
    font has Chinese glyphs and the caption needs them)."""
    from PIL import Image, ImageDraw

    buf = io.BytesIO()
    _qr(url).save(buf, kind="png", scale=SCALE, border=BORDER)
    code = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    font, cjk = _font(26)
    if not cjk and not caption.isascii():
        caption = fallback_caption or caption.encode("ascii", "ignore").decode() or ""
    band = 56
    canvas = Image.new("RGB", (code.width, code.height + band), "white")
    canvas.paste(code, (0, 0))
    draw = ImageDraw.Draw(canvas)
    width = draw.textlength(caption, font=font)
    draw.text(((code.width - width) / 2, code.height + 8), caption, fill="black", font=font)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()
