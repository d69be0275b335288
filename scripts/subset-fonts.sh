#!/usr/bin/env bash
# Regenerate the bundled Simplified Chinese fonts:
#
#   assets/fonts/PermitroomSansSC-Regular.otf
#   assets/fonts/PermitroomSansSC-Bold.otf
#
# They are subsets of "Noto Sans CJK SC" (SIL Open Font License 1.1, see
# assets/fonts/OFL.txt), renamed to "Permitroom Sans SC" because they are
# Modified Versions of the original fonts.
#
# Requirements:
#   - Debian/Ubuntu package fonts-noto-cjk (provides the source .ttc files):
#       sudo apt-get install fonts-noto-cjk
#   - fontTools from PyPI (provides pyftsubset and the Python library):
#       pip install fonttools
#
# Usage (from anywhere; the script changes to the repository root itself):
#   scripts/subset-fonts.sh
#
# Environment:
#   NOTO_CJK_DIR       directory holding NotoSansCJK-{Regular,Bold}.ttc
#                      (default /usr/share/fonts/opentype/noto)
#   SOURCE_DATE_EPOCH  if set, used as head.modified; otherwise head.modified
#                      is copied from the source font. Either way the output is
#                      byte-for-byte reproducible for a given fontTools version
#                      and source font.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

NOTO_CJK_DIR="${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}"
OUT_DIR="assets/fonts"
PYTHON="${PYTHON:-python3}"

# Python set/dict iteration order must not depend on hash randomisation.
export PYTHONHASHSEED=0

if ! "$PYTHON" -c 'import fontTools.subset' 2>/dev/null; then
    echo "error: fontTools is not installed (pip install fonttools)" >&2
    exit 1
fi
for weight in Regular Bold; do
    if [[ ! -f "$NOTO_CJK_DIR/NotoSansCJK-$weight.ttc" ]]; then
        echo "error: $NOTO_CJK_DIR/NotoSansCJK-$weight.ttc not found" \
             "(apt-get install fonts-noto-cjk)" >&2
        exit 1
    fi
done

mkdir -p "$OUT_DIR"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --- 1. Character set --------------------------------------------------------
# All of GB2312 (every valid 2-byte code, rows 0xA1-0xF7, columns 0xA1-0xFE)
# plus Latin, punctuation and symbol blocks used in permit documents.
# Codepoints missing from the source font are skipped by pyftsubset.
"$PYTHON" - "$tmp/unicodes.txt" <<'PY'
import sys

cps = set()
for row in range(0xA1, 0xF8):
    for col in range(0xA1, 0xFF):
        try:
            s = bytes([row, col]).decode("gb2312")
        except UnicodeDecodeError:
            continue
        cps.update(ord(c) for c in s)

ranges = [
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement (includes U+00B2, U+00B3)
    (0x2000, 0x206F),  # General Punctuation
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2150, 0x218F),  # Number Forms
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2600, 0x26FF),  # Miscellaneous Symbols
    (0x2700, 0x27BF),  # Dingbats
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]
for lo, hi in ranges:
    cps.update(range(lo, hi + 1))
cps.update([0x00B2, 0x00B3])  # superscript two/three (m², m³)

with open(sys.argv[1], "w") as f:
    for cp in sorted(cps):
        f.write(f"U+{cp:04X}\n")
PY

# --- 2. Subset, rename, fix style bits ---------------------------------------
# Layout features: only what horizontal Simplified Chinese (plus Latin) text
# needs. Vertical ('vert', 'vrt2', 'vkrn', ...), width ('fwid', 'hwid',
# 'pwid'), and alternates ('aalt', 'hist', 'ruby', 'dlig') are dropped.
# Layout scripts are limited to the default and Simplified Chinese (ZHS)
# language systems so that 'locl' does not pull in the Japanese, Korean and
# Traditional Chinese glyph variants.
features='ccmp,locl,liga,calt,kern,mark,mkmk,palt,halt'
scripts='DFLT'
for s in latn grek cyrl hani kana; do
    scripts="$scripts,$s.dflt,$s.ZHS"
done

for weight in Regular Bold; do
    src="$NOTO_CJK_DIR/NotoSansCJK-$weight.ttc"
    out="$OUT_DIR/PermitroomSansSC-$weight.otf"

    face="$("$PYTHON" - "$src" <<'PY'
import sys
from fontTools.ttLib import TTCollection

coll = TTCollection(sys.argv[1], lazy=True)
hits = [
    i
    for i, font in enumerate(coll.fonts)
    if font["name"].getName(1, 3, 1, 0x409) is not None
    and font["name"].getName(1, 3, 1, 0x409).toUnicode() == "Noto Sans CJK SC"
]
if len(hits) != 1:
    sys.exit(f"expected exactly one 'Noto Sans CJK SC' face in {sys.argv[1]}, found {hits}")
print(hits[0])
PY
)"
    echo "$src: face index $face is Noto Sans CJK SC" >&2

    pyftsubset "$src" \
        --font-number="$face" \
        --unicodes-file="$tmp/unicodes.txt" \
        --layout-features="$features" \
        --layout-scripts="$scripts" \
        --drop-tables+=vhea,vmtx,VORG \
        --no-hinting \
        --notdef-outline \
        --name-IDs='*' \
        --output-file="$tmp/subset-$weight.otf"

    "$PYTHON" - "$src" "$face" "$tmp/subset-$weight.otf" "$out" "$weight" <<'PY'
import os
import sys

from fontTools.misc.timeTools import epoch_diff
from fontTools.ttLib import TTFont

src_path, face, subset_path, out_path, weight = sys.argv[1:]
family = "Permitroom Sans SC"
ps_name = f"PermitroomSansSC-{weight}"
full_name = family if weight == "Regular" else f"{family} {weight}"

src = TTFont(src_path, fontNumber=int(face), lazy=True)
# recalcTimestamp=False: otherwise save() would set head.modified to "now".
font = TTFont(subset_path, recalcTimestamp=False)

# Fixed modification time: SOURCE_DATE_EPOCH, else the source font's value.
if os.environ.get("SOURCE_DATE_EPOCH"):
    modified = int(os.environ["SOURCE_DATE_EPOCH"]) - epoch_diff
else:
    modified = src["head"].modified
font["head"].modified = modified
font["head"].created = src["head"].created

version = src["name"].getName(5, 3, 1, 0x409).toUnicode().split(";")[0]  # "Version 2.004"
src_ps = src["name"].getName(6, 3, 1, 0x409).toUnicode()

name = font["name"]
# Drop any localized records (only English is kept by pyftsubset by default)
# and typographic names before writing the new ones.
name.names = [r for r in name.names if r.nameID not in (1, 2, 3, 4, 5, 6, 16, 17)]
new_names = {
    1: family,
    2: weight,
    3: f"{version.removeprefix('Version ')};{ps_name};subset of {src_ps}",
    4: full_name,
    5: f"{version}; subset of Noto Sans CJK SC by permitroom",
    6: ps_name,
    16: family,
    17: weight,
}
for name_id, value in new_names.items():
    name.setName(value, name_id, 3, 1, 0x409)
name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))

# The CFF table of the .ttc is shared by all faces and carries the JP names.
cff = font["CFF "].cff
old_cff_name = cff.fontNames[0]
cff.fontNames[0] = ps_name
top = cff.topDictIndex[0]
top.FullName = full_name
top.FamilyName = family
top.Weight = weight
if hasattr(top, "FDArray"):
    for fd in top.FDArray:
        if getattr(fd, "FontName", "").startswith(old_cff_name):
            fd.FontName = ps_name + fd.FontName[len(old_cff_name):]

# Style bits so that Typst/fontdb group both files into one family.
os2 = font["OS/2"]
head = font["head"]
REGULAR, BOLD, ITALIC = 1 << 6, 1 << 5, 1 << 0
os2.fsSelection &= ~(REGULAR | BOLD | ITALIC)
head.macStyle &= ~0b11
if weight == "Bold":
    os2.usWeightClass = 700
    os2.fsSelection |= BOLD
    head.macStyle |= 1
else:
    os2.usWeightClass = 400
    os2.fsSelection |= REGULAR

font.save(out_path, reorderTables=True)
PY
done
