#!/usr/bin/env python3
"""Writes the bad-input corpus of BadInputIT next to this script (pure Python, deterministic: seeded random).

Run it again after changing a case: python3 launcher/src/test/resources/bad-input/generate.py
Each file is small (the whole corpus stays under 500 KB); what each one is and what the pipeline must answer is
listed in README.md and asserted in launcher/src/test/java/io/imgpipe/launcher/BadInputIT.java.
"""
import base64
import io
import os
import random
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(20261127)
PAYLOAD = b"IMGPIPE-POLYGLOT-PAYLOAD"

# A valid 48x32 baseline JPEG (JDK ImageIO, JFIF) and a valid 16x16 lossy WebP (libwebp), both made for this corpus.
BASE_JPEG = base64.b64decode("/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAgADADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDh2NRMacxqFjXJhaB+tYmsNY1ExpzGoWNfR4WgeBiaw1jUTGnMahY19HhaB4OJrGwxqJjSsaiY18hhaB9Riaw1jULGnMaiY19HhaB4OJrDWNRMaVjUTGvo8LQPAxNY/9k=")
BASE_WEBP = base64.b64decode("UklGRk4AAABXRUJQVlA4IEIAAACQAgCdASoQABAAAgA0JbACdLoB+AADUlQalIRd+AD+tcfpdVHxf4v/cld33iCF7xBC/4OqF/9kE8qWlHdUt+kUAAA=")


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def noise(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


# ---------------------------------------------------------------- PNG
def chunk(kind, data, crc=None):
    c = zlib.crc32(kind + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", c)


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def ihdr(w, h, depth=8, colour=2):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0))


def png(w=16, h=16, extra=b"", after_iend=b""):
    rows = b"".join(b"\x00" + bytes(v for x in range(w) for v in (x * 16 % 256, y * 16 % 256, 128)) for y in range(h))
    return PNG_SIG + ihdr(w, h) + extra + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"") + after_iend


def zeros_stream(total, level=9):
    """zlib stream of total zero bytes, compressed piecewise so that the generator needs little memory."""
    z = zlib.compressobj(level)
    out = []
    block = bytes(1 << 20)
    left = total
    while left > 0:
        n = min(left, len(block))
        out.append(z.compress(block[:n]))
        left -= n
    out.append(z.flush())
    return b"".join(out)


# ---------------------------------------------------------------- JPEG
def segments(jpeg):
    """(marker, start, end) of every segment before the scan data."""
    i, out = 2, []
    while i < len(jpeg):
        marker = jpeg[i + 1]
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        out.append((marker, i, i + 2 + length))
        if marker == 0xDA:
            break
        i += 2 + length
    return out


def with_sof_size(jpeg, w, h):
    for marker, start, _ in segments(jpeg):
        if marker in (0xC0, 0xC1, 0xC2):
            b = bytearray(jpeg)
            b[start + 5:start + 9] = struct.pack(">HH", h, w)
            return bytes(b)
    raise ValueError("no SOF")


def after_app0(jpeg, segment):
    end = segments(jpeg)[0][2]
    return jpeg[:end] + segment + jpeg[end:]


def app(n, payload):
    return bytes((0xFF, 0xE0 + n)) + struct.pack(">H", len(payload) + 2) + payload


def exif(entries, next_ifd):
    """A little-endian TIFF block with one IFD of (tag, type, count, value) entries."""
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHII", tag, typ, count, value)
    ifd += struct.pack("<I", next_ifd)
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd


# ---------------------------------------------------------------- GIF
def gif(frames=1, screen=(1, 1), image=(1, 1), trailer=True, header=b"GIF89a"):
    lsd = struct.pack("<HHBBB", screen[0], screen[1], 0x80, 0, 0) + b"\xff\xff\xff\x00\x00\x00"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, image[0], image[1], 0) + b"\x02\x02\x44\x01\x00"
    return header + lsd + frame * frames + (b"\x3b" if trailer else b"")


def animated_gif(frames, delay_centis=0, trailer=True):
    """An animated 2x2 GIF: NETSCAPE2.0 loop forever, each frame behind a Graphic Control Extension."""
    lsd = struct.pack("<HHBBB", 2, 2, 0x80, 0, 0) + b"\xff\xff\xff\x00\x00\x00"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    gce = b"\x21\xf9\x04\x00" + struct.pack("<H", delay_centis) + b"\x00\x00"
    frame = gce + b"\x2c" + struct.pack("<HHHHB", 0, 0, 2, 2, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + lsd + loop + frame * frames + (b"\x3b" if trailer else b"")


# ---------------------------------------------------------------- animated WebP
def riff_chunk(kind, data):
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def u24(v):
    return struct.pack("<I", v)[:3]


def animated_webp(frames, canvas=(16, 16), frame_size=(16, 16), vp8=BASE_WEBP[12:]):
    """VP8X (animation) + ANIM (loop forever) + one ANMF per frame, each holding BASE_WEBP's 16x16 bitstream."""
    vp8x = riff_chunk(b"VP8X", bytes([0x02, 0, 0, 0]) + u24(canvas[0] - 1) + u24(canvas[1] - 1))
    anim = riff_chunk(b"ANIM", b"\x00\x00\x00\x00\x00\x00")
    anmf = riff_chunk(b"ANMF", u24(0) + u24(0) + u24(frame_size[0] - 1) + u24(frame_size[1] - 1) + u24(0)
                      + b"\x02" + vp8)
    body = b"WEBP" + vp8x + anim + anmf * frames
    return b"RIFF" + struct.pack("<I", len(body)) + body


# ---------------------------------------------------------------- TIFF / BMP
def tiff(entries, next_ifd=0, tail=b""):
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHII", tag, typ, count, value)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", next_ifd) + tail


def bmp(w, h, bpp=24, pixels=b""):
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bpp, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 54) + info + pixels


def main():
    base_png = png()
    base_gif = gif()

    # random bytes with image extensions, empty and zero-filled files
    for ext in ("jpg", "png", "gif", "webp"):
        write("random-bytes." + ext, noise(4096))
    write("zero-bytes.jpg", b"")
    write("zero-filled.png", bytes(4096))

    # truncated files of every accepted family
    write("jpeg-soi-only.jpg", b"\xff\xd8\xff")
    write("jpeg-truncated-in-headers.jpg", BASE_JPEG[:200])
    write("jpeg-truncated-in-scan.jpg", BASE_JPEG[:len(BASE_JPEG) * 3 // 4])
    write("png-signature-only.png", PNG_SIG)
    write("png-truncated-ihdr.png", base_png[:20])
    write("png-truncated-idat.png", base_png[:len(base_png) - 30])
    write("gif-header-only.gif", base_gif[:13])
    write("gif-truncated-in-frame.gif", base_gif[:-4])
    write("webp-riff-header-only.webp", BASE_WEBP[:16])
    write("webp-truncated.webp", BASE_WEBP[:50])

    # a valid header followed by garbage
    sos_end = segments(BASE_JPEG)[-1][2]
    write("jpeg-header-then-garbage.jpg", BASE_JPEG[:sos_end] + noise(2048) + b"\xff\xd9")
    write("png-header-then-garbage.png", PNG_SIG + ihdr(16, 16) + chunk(b"IDAT", noise(1024)) + chunk(b"IEND", b""))
    write("gif-header-then-garbage.gif", base_gif[:13 + 6] + noise(1024))
    write("webp-header-then-garbage.webp", BASE_WEBP[:30] + noise(512))
    write("png-bad-crc.png", PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0), crc=0xDEADBEEF)
          + base_png[33:])
    write("png-chunk-length-2gib.png", PNG_SIG + ihdr(16, 16) + struct.pack(">I", 0x7FFFFFFF) + b"IDAT" + noise(64))
    write("png-zero-width.png", PNG_SIG + ihdr(0, 16) + base_png[33:])
    write("jpeg-zero-height.jpg", with_sof_size(BASE_JPEG, 48, 0))

    # pixel bombs: the header declares far more pixels than the limit (50 megapixels)
    write("png-pixel-bomb-50000x50000.png", PNG_SIG + ihdr(50000, 50000) + chunk(b"IDAT", zeros_stream(1 << 20))
          + chunk(b"IEND", b""))
    write("jpeg-pixel-bomb-65500x65500.jpg", with_sof_size(BASE_JPEG, 65500, 65500))
    write("gif-pixel-bomb-65535x65535.gif", gif(screen=(65535, 65535), image=(65535, 65535)))
    vp8 = bytearray(BASE_WEBP)
    vp8[26:30] = struct.pack("<HH", 16383, 16383)
    write("webp-pixel-bomb-16383x16383.webp", bytes(vp8))
    write("bmp-pixel-bomb-100000x100000.bmp", bmp(100000, 100000, pixels=bytes(64)))
    write("tiff-pixel-bomb-100000x100000.tif", tiff([(256, 4, 1, 100000), (257, 4, 1, 100000), (258, 3, 1, 8),
                                                      (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8),
                                                      (277, 3, 1, 1), (278, 4, 1, 100000), (279, 4, 1, 16)]))
    # deflate bombs: a few KB that inflate to tens of MB; one declares too many pixels, one stays under the limit
    write("png-deflate-bomb-over-limit.png", PNG_SIG + ihdr(60000, 60000, 8, 0) + chunk(b"IDAT", zeros_stream(64 << 20))
          + chunk(b"IEND", b""))
    write("png-deflate-bomb-under-limit.png", PNG_SIG + ihdr(6000, 6000, 8, 0)
          + chunk(b"IDAT", zeros_stream(6001 * 6000)) + chunk(b"IEND", b""))
    write("png-idat-inflates-past-its-rows.png", PNG_SIG + ihdr(1, 1, 8, 0) + chunk(b"IDAT", zeros_stream(32 << 20))
          + chunk(b"IEND", b""))
    write("png-extreme-aspect-1x1000000.png", PNG_SIG + ihdr(1, 1000000, 8, 0) + chunk(b"IDAT", zeros_stream(2000000))
          + chunk(b"IEND", b""))

    # frame bombs: more frames than the limit (1000)
    write("gif-3000-frames.gif", gif(frames=3000))
    write("webp-animated-1200-frames.webp", animated_webp(1200, vp8=riff_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")))
    # animations (issue 14): every frame at zero delay is fine; frames cut off or lying about their size are not
    write("gif-animated-zero-delays.gif", animated_gif(400, delay_centis=0))
    write("gif-animated-truncated.gif", animated_gif(3)[:-12])
    write("webp-animated-truncated.webp", animated_webp(3)[:-20])
    write("webp-animated-zero-durations.webp", animated_webp(50))
    write("webp-animated-frame-bomb-16384x16384.webp", animated_webp(2, frame_size=(16384, 16384)))
    write("tiff-ifd-loop.tif", tiff([(256, 4, 1, 1), (257, 4, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                                     (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, 1), (279, 4, 1, 1)], next_ifd=8))
    write("tiff-header-only.tif", b"II*\x00\x08\x00\x00\x00")

    # broken ICC profiles
    write("jpeg-icc-garbage.jpg", after_app0(BASE_JPEG, app(2, b"ICC_PROFILE\x00\x01\x01" + noise(300))))
    icc_header = struct.pack(">I", 0x7FFFFFFF) + b"lcms" + bytes(4) + b"mntrRGB XYZ " + bytes(100) + b"acsp"
    write("jpeg-icc-lying-size.jpg", after_app0(BASE_JPEG, app(2, b"ICC_PROFILE\x00\x01\x03" + icc_header[:128].ljust(128, b"\0")
                                                              + struct.pack(">I", 0xFFFFFFFF))))
    write("png-icc-garbage.png", png(extra=chunk(b"iCCP", b"broken\x00\x00" + noise(300))))
    write("png-icc-deflate-bomb.png", png(extra=chunk(b"iCCP", b"bomb\x00\x00" + zeros_stream(24 << 20))))

    # EXIF blocks that lie: impossible orientation, counts and offsets past the end, an IFD chain that loops
    write("jpeg-exif-lies.jpg", after_app0(BASE_JPEG, app(1, exif([
        (0x0112, 3, 1, 9),                 # orientation 9 does not exist
        (0x010F, 2, 0x7FFFFFFF, 0x10),     # a 2 GiB make string
        (0x8769, 4, 1, 0xFFFFFF00),        # Exif IFD far past the end
        (0x0100, 4, 1, 100000),            # says 100000 px wide
    ], next_ifd=0xFFFFFFF0))))
    write("jpeg-exif-ifd-loop.jpg", after_app0(BASE_JPEG, app(1, exif([(0x0112, 3, 1, 6), (0x8769, 4, 1, 8)],
                                                                       next_ifd=8))))

    # not images at all, named as images
    write("svg-named.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>')
    write("svg-with-bom-and-xml-declaration.png", b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    write("html-named.jpg", b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>")
    write("pdf-named.png", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("payload.txt", PAYLOAD)
    write("zip-named.gif", zbuf.getvalue())
    write("html-then-jpeg.jpg", b"<html><script>alert(1)</script></html>" + BASE_JPEG)

    # polyglots: valid images that are also something else; the result must not carry the payload
    write("polyglot-jpeg-zip.jpg", BASE_JPEG + zbuf.getvalue())
    js = b"GIF89a/*" + base_gif[8:-1] + b"\x3b*/=1;alert('" + PAYLOAD + b"');"
    write("polyglot-gif-javascript.gif", js)
    write("polyglot-png-html.png", png(extra=chunk(b"tEXt", b"Comment\x00<script>" + PAYLOAD + b"</script>"),
                                       after_iend=b"<html><script>" + PAYLOAD + b"</script></html>"))

    # BMP with impossible dimensions
    write("bmp-negative-width.bmp", bmp(-16, 16, pixels=bytes(16 * 16 * 3)))


if __name__ == "__main__":
    main()
