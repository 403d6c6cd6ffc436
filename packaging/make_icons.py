"""Draw CrateMatch's icon: a vinyl record standing in a crate, on a rounded tile.

Run once (`python packaging/make_icons.py`); its outputs under packaging/icons/ are
committed, so a build needs no drawing and no downloads:

    cratematch.png    512 px, for Linux (.desktop)
    cratematch-128.png  128 px, for the window's own icon (Tk's iconphoto)
    cratematch.ico    16–256 px, for Windows
    cratematch.icns   16–512 px, for macOS (Pillow writes it on any OS)

Drawn at 4x and scaled down, so the edges are smooth at every size.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent / "icons"
SIZE = 512
SCALE = 4  # supersampling factor

TILE = (31, 106, 165)  # the window's accent blue
TILE_EDGE = (21, 76, 122)
RECORD = (24, 24, 28)
GROOVE = (58, 58, 66)
LABEL = (242, 193, 78)  # the window's "review" amber
CRATE = (196, 140, 84)
CRATE_DARK = (150, 101, 56)

ICO_SIZES = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]


def draw_icon(size: int = SIZE) -> Image.Image:
    """The icon as an RGBA image of `size` x `size`."""
    n = size * SCALE

    def px(fraction: float) -> int:
        return round(fraction * n)

    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (px(0.03), px(0.03), px(0.97), px(0.97)),
        radius=px(0.2), fill=TILE, outline=TILE_EDGE, width=px(0.015),
    )  # fmt: skip

    # the record, its top half rising out of the crate
    cx, cy, r = px(0.5), px(0.47), px(0.34)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RECORD)
    for k in (0.92, 0.82, 0.72, 0.62):
        g = round(r * k)
        d.ellipse((cx - g, cy - g, cx + g, cy + g), outline=GROOVE, width=max(1, px(0.006)))
    lr = round(r * 0.36)
    d.ellipse((cx - lr, cy - lr, cx + lr, cy + lr), fill=LABEL)
    hole = max(2, round(r * 0.06))
    d.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=RECORD)

    # the crate's front: two planks with a hand hole
    top, bottom, left, right = px(0.56), px(0.86), px(0.14), px(0.86)
    d.rounded_rectangle((left, top, right, bottom), radius=px(0.03), fill=CRATE)
    mid = (top + bottom) // 2
    d.line((left, mid, right, mid), fill=CRATE_DARK, width=px(0.012))
    hw, hh = px(0.12), px(0.025)
    hy = top + (mid - top) // 2
    d.rounded_rectangle((cx - hw, hy - hh, cx + hw, hy + hh), radius=hh, fill=CRATE_DARK)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    icon = draw_icon()
    icon.save(ICONS / "cratematch.png", optimize=True)
    draw_icon(128).save(ICONS / "cratematch-128.png", optimize=True)
    icon.save(ICONS / "cratematch.ico", sizes=ICO_SIZES)
    icon.save(ICONS / "cratematch.icns")
    for path in sorted(ICONS.iterdir()):
        print(f"{path.relative_to(ICONS.parent.parent)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
