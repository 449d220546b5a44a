"""Draws satupintu's app icons (a white door on green) as PNG without any image library.

Run from this folder: python3 make_icons.py. The PNGs are committed; this script is here so
they can be redrawn.
"""
import struct
import zlib

GREEN = (11, 94, 66)
WHITE = (255, 255, 255)
GOLD = (242, 183, 5)


def pixel(x, y, size, maskable):
    # Maskable icons keep their drawing inside the central 80% safe zone.
    scale = 0.62 if maskable else 0.78
    u = (x + 0.5) / size
    v = (y + 0.5) / size
    if not maskable:
        # Rounded square background with transparent corners.
        r = 0.18
        cx = min(max(u, r), 1 - r)
        cy = min(max(v, r), 1 - r)
        if (u - cx) ** 2 + (v - cy) ** 2 > r * r:
            return (0, 0, 0, 0)
    left, right = 0.5 - 0.22 * scale / 0.78, 0.5 + 0.22 * scale / 0.78
    top, bottom = 0.5 - 0.32 * scale / 0.78, 0.5 + 0.34 * scale / 0.78
    # A door: an arched white frame with a gold knob.
    if left <= u <= right and top <= v <= bottom:
        knob_u, knob_v = right - 0.07 * scale / 0.78, 0.5 + 0.04
        if (u - knob_u) ** 2 + (v - knob_v) ** 2 < (0.025 * scale / 0.78) ** 2:
            return GOLD + (255,)
        return WHITE + (255,)
    return GREEN + (255,)


def png(size, maskable, path):
    raw = bytearray()
    for y in range(size):
        raw.append(0)
        for x in range(size):
            raw.extend(pixel(x, y, size, maskable))
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


png(192, False, "icon-192.png")
png(512, False, "icon-512.png")
png(512, True, "icon-maskable-512.png")
png(180, True, "apple-touch-icon.png")
