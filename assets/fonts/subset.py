#!/usr/bin/env python3
"""Make the chart font: WenQuanYi Micro Hei cut down to GB2312 + Latin.

renewplan embeds this font in the binary (src/chart/style.rs) so that chart
text, Chinese zone and scenario names included, renders on a machine with no
system fonts. The full face is 5.2 MB; this subset keeps every character of
GB2312 (6,763 hanzi, kana, Greek, Cyrillic, CJK and full-width punctuation)
plus Latin, Latin-1, Latin Extended-A/B, general punctuation, super- and
subscripts, arrows and the mathematical operators that chart labels use.
Hinting is dropped (plotters rasterises with ab_glyph, which ignores it).

Reproduce (Debian's fonts-wqy-microhei 0.2.0-beta-3.1, fonttools from PyPI):

    apt-get download fonts-wqy-microhei
    dpkg-deb -x fonts-wqy-microhei_*.deb wqy
    pip install fonttools
    python3 assets/fonts/subset.py wqy/usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
        assets/fonts/wqy-microhei-gb2312-latin.ttf

The licence (Apache-2.0, or GPL-3+ with the font exception) is in
assets/fonts/LICENSE-wqy-microhei.txt.
"""

import sys

from fontTools import subset
from fontTools.ttLib import TTCollection


def gb2312_codepoints():
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.add(ord(ch))
    return out


RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x2000, 0x206F),  # General punctuation (– — ‘ ’ “ ” • … ‰ ′)
    (0x2070, 0x209F),  # Super- and subscripts (H₂, m²)
    (0x20A0, 0x20CF),  # Currency (€ ¥)
    (0x2100, 0x214F),  # Letterlike (℃ №)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators (± − × ≤ ≥ ≈)
    (0x2460, 0x24FF),  # Enclosed alphanumerics
    (0x25A0, 0x25FF),  # Geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # Half- and full-width forms
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    font = TTCollection(src).fonts[0]  # face 0: "WenQuanYi Micro Hei" (1 is Mono)
    cps = gb2312_codepoints()
    for a, b in RANGES:
        cps.update(range(a, b + 1))
    cmap = font.getBestCmap()
    cps = sorted(c for c in cps if c in cmap)
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["kern"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)
    font.save(dst)
    print(f"{dst}: {len(cps)} code points")


if __name__ == "__main__":
    main()
