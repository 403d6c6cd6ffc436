"""Small audio files built from scratch, so most write-back tests need no shared data.

The audio is seeded random bytes (not silence), so a payload that moved or changed shows
up, and every file parses with mutagen like a real one: MPEG frame headers for MP3, a
STREAMINFO block for FLAC, PCM for WAV, Ogg pages with Vorbis headers for Ogg.
"""

from __future__ import annotations

import random
import struct
import wave
from pathlib import Path

from mutagen.ogg import OggPage

__all__ = ["REAL_AUDIO", "make_flac", "make_mp3", "make_ogg", "make_wav", "noise"]

REAL_AUDIO = Path(__file__).resolve().parents[4] / "shared" / "realfiles" / "audio"


def noise(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def make_mp3(path: Path, frames: int = 40, seed: int = 1) -> Path:
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: 417-byte frames."""
    body = noise(413 * frames, seed)
    header = b"\xff\xfb\x90\x00"
    path.write_bytes(b"".join(header + body[i * 413 : (i + 1) * 413] for i in range(frames)))
    return path


def make_wav(path: Path, seconds: float = 0.5, seed: int = 1) -> Path:
    rate = 8000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(noise(int(rate * seconds) * 2, seed))
    return path


def make_flac(path: Path, frames_size: int = 20000, seed: int = 1) -> Path:
    """A STREAMINFO block (44.1 kHz, stereo, 16 bit, 1 s) and frame-like bytes."""
    samples = 44100
    info = struct.pack(">HH", 4096, 4096) + b"\x00\x00\x00" + b"\x00\x00\x00"
    packed = (44100 << 44) | ((2 - 1) << 41) | ((16 - 1) << 36) | samples
    info += packed.to_bytes(8, "big") + bytes(16)
    blocks = bytes([0x80 | 0]) + len(info).to_bytes(3, "big") + info  # last block
    path.write_bytes(b"fLaC" + blocks + b"\xff\xf8" + noise(frames_size, seed))
    return path


def make_ogg(path: Path, audio_pages: int = 40, seed: int = 1) -> Path:
    """Ogg Vorbis: identification, comment and setup headers, then audio pages."""
    ident = b"\x01vorbis" + struct.pack("<IBIiii", 0, 2, 44100, 0, 128000, 0) + b"\xb8\x01"
    comment = b"\x03vorbis" + struct.pack("<I", 6) + b"synth!" + struct.pack("<I", 0) + b"\x01"
    setup = b"\x05vorbis" + noise(300, seed + 1)
    pages = []
    first = OggPage()
    first.packets, first.first, first.position, first.serial = [ident], True, 0, 7
    pages.append(first)
    second = OggPage()
    second.packets, second.position, second.serial, second.sequence = [comment, setup], 0, 7, 1
    pages.append(second)
    data = noise(audio_pages * 4000, seed)
    for n in range(audio_pages):
        page = OggPage()
        page.serial, page.sequence, page.position = 7, n + 2, (n + 1) * 4410
        page.packets = [data[n * 4000 + k * 1000 : n * 4000 + (k + 1) * 1000] for k in range(4)]
        page.last = n == audio_pages - 1
        pages.append(page)
    path.write_bytes(b"".join(p.write() for p in pages))
    return path
