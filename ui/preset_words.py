"""The presets in words a DJ reads, and their numbers for the "Advanced" table. No Tk here.

    Preset.as_table()  ──preset_summary()──▶ what the preset does, in plain words
                       ──preset_rows()─────▶ (label, value) rows: the search, the decision,
                                             then the fitted weights of the evidence

The words are built from the preset's own numbers, so they stay true when a preset is
re-tuned; `as_table()` keys this module has no words for still get a row.
"""

from __future__ import annotations

from collections.abc import Mapping

from matcher import PRESETS
from ui.review_model import percent

__all__ = ["PRESET_NAMES", "WEIGHTS_HEADING", "preset_rows", "preset_summary"]

PRESET_NAMES = {"fast": "Fast", "balanced": "Balanced", "thorough": "Thorough"}
WEIGHTS_HEADING = "How much each clue counts"  # fitted on labelled playlists

_CHARACTER = {
    "fast": "Quickest: for clean, well-tagged playlists.",
    "balanced": "The default: suits most libraries.",
    "thorough": "Slowest, finds the most: for messy tags, rips and bootlegs.",
}
# as_table() key -> (label, kind): "count", "ms" or "share" (a confidence shown in %)
_SETTINGS: dict[str, tuple[str, str]] = {
    "max_queries": ("Searches per track, at most", "count"),
    "candidates_per_query": ("Candidates looked at per search", "count"),
    "any_word_candidates": ("Candidates from the last-resort search", "count"),
    "time_budget_ms": ("Time per track, at most", "ms"),
    "early_exit": ("Stop searching once this sure", "share"),
    "match_threshold": ("Match when at least this sure", "share"),
    "review_threshold": ("Ask for review from", "share"),
    "margin": ("Lead needed over the runner-up", "share"),
    "ambiguous_share": ("Close call when the runner-up has", "share"),
}
_SKIPPED = ("name", "description")
_WEIGHT = "weight."


def _percent(value: float) -> str:
    return percent(value)  # the window's one wording of a confidence: thresholds read alike


def preset_summary(name: str) -> str:
    """What the preset does, in two or three plain sentences."""
    table = PRESETS[name].as_table()
    character = _CHARACTER.get(name, str(table.get("description", "")))
    searches = int(table["max_queries"])  # type: ignore[call-overload]
    parts = [
        character,
        f"Tries each track's ISRC or store ID first, then up to {searches} "
        f"search{'' if searches == 1 else 'es'} of the catalog, "
        f"{table['candidates_per_query']} candidates each.",
        f"A track is matched when CrateMatch is at least "
        f"{_percent(float(table['match_threshold']))} sure (right that often on tested "  # type: ignore[arg-type]
        f"playlists); from {_percent(float(table['review_threshold']))} it asks you to "  # type: ignore[arg-type]
        "review it, and also when two tracks are that likely between them; below that it "
        "counts as not found.",
    ]
    return " ".join(parts)


def _value(value: object, kind: str) -> str:
    if kind == "share" and isinstance(value, int | float):
        return _percent(float(value))
    if kind == "ms" and isinstance(value, int | float):
        return f"{value:g} ms"
    if isinstance(value, float):
        return f"{value:.2f}" if kind == "weight" else f"{value:g}"
    return str(value)


def preset_rows(name: str) -> list[tuple[str, str]]:
    """Every number of the preset's `as_table()` as (label, value): the search and decision
    settings first, then a heading row ("", "") and the fitted weights."""
    table: Mapping[str, object] = PRESETS[name].as_table()
    rows: list[tuple[str, str]] = []
    weights: list[tuple[str, str]] = []
    for key, value in table.items():
        if key in _SKIPPED:
            continue
        if key.startswith(_WEIGHT):
            feature = key[len(_WEIGHT) :]
            label = "Starting point" if feature == "bias" else feature.replace("_", " ")
            weights.append((label[:1].upper() + label[1:], _value(value, "weight")))
            continue
        label, kind = _SETTINGS.get(key, (key.replace("_", " ").capitalize(), "count"))
        rows.append((label, _value(value, kind)))
    if weights:
        rows.append((WEIGHTS_HEADING, ""))
        rows.extend(weights)
    return rows
