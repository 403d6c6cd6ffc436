"""The names of the scoring features, in the order the fitted model stores its weights
(what each one means: features.py).

A module of its own so that the model, the presets and the configuration load without
the matching code: the CLI and the engine host need a preset's name and numbers, not
the code that computes the evidence (a tenth of a second of imports each)."""

from __future__ import annotations

__all__ = ["FEATURES"]

FEATURES: tuple[str, ...] = (
    "title", "title_exact", "title_typo", "artists", "artist_cover", "no_artist", "version",
    "version_exact", "length_differs", "unstated_remix", "unstated_remix_confirmed",
    "unknown_version", "duration", "duration_close", "duration_off", "bpm", "bpm_off",
    "key", "key_off", "release", "label", "surface", "title_tag", "identifier", "same_file",
    "title_twins", "siblings", "no_version", "timed_sibling",
)  # fmt: skip
