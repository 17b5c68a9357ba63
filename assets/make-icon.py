#!/usr/bin/env python3
"""Draws convene's icon, a clock face (assets/convene.ico), with nothing but the standard library:
PNG images of 16, 32, 48 and 256 pixels in one .ico (Windows Vista and later read PNG entries).
Run it again only to change the icon: the .ico is committed and build.rs embeds it."""
import math, struct, zlib, pathlib

def png(size):
    def pixel(x, y):
        c = (size - 1) / 2
        dx, dy = x - c, y - c
        r = math.hypot(dx, dy)
        R = size * 0.47
        w = max(1.0, size / 16)  # stroke width
        if r > R:
            return (0, 0, 0, 0)
        if r > R - w:
            return (0x1f, 0x3a, 0x5f, 255)  # the rim, dark blue
        ang = math.atan2(dy, dx)
        # Hands: minute hand straight up, hour hand to three o'clock.
        def on_hand(theta, length):
            px, py = math.cos(theta), math.sin(theta)
            along = dx * px + dy * py
            across = abs(-dx * py + dy * px)
            return 0 <= along <= length and across <= w * 0.75
        if on_hand(-math.pi / 2, R * 0.8) or on_hand(0, R * 0.55) or r <= w:
            return (0x1f, 0x3a, 0x5f, 255)
        # Twelve ticks.
        for k in range(12):
            t = k * math.pi / 6
            if R - 3 * w <= r <= R - w and abs(((ang - t + math.pi) % (2 * math.pi)) - math.pi) * r <= w * 0.6:
                return (0x1f, 0x3a, 0x5f, 255)
        return (0xf4, 0xc4, 0x30, 255)  # the face, amber
    raw = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

sizes = [16, 32, 48, 256]
images = [png(s) for s in sizes]
header = struct.pack("<HHH", 0, 1, len(images))
offset = 6 + 16 * len(images)
entries = b""
for s, img in zip(sizes, images):
    entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(img), offset)
    offset += len(img)
out = pathlib.Path(__file__).with_name("convene.ico")
out.write_bytes(header + entries + b"".join(images))
print(f"{out}: {out.stat().st_size} bytes")
