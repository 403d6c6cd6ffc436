"""The names `events.py` exports, as plain data: the `matcher` package lists every event
among its public names without loading the events themselves (a worker imports that
package and needs none of them)."""

EVENT_NAMES = (
    "BatchCancelled",
    "BatchFinished",
    "BatchPaused",
    "BatchResumed",
    "BatchStarted",
    "BatchState",
    "EngineError",
    "Event",
    "FilesPlanned",
    "FilesWritten",
    "LibraryPlanned",
    "LibraryStep",
    "MetricsSnapshot",
    "PlaylistFinished",
    "PlaylistProgress",
    "PlaylistStarted",
    "ResultEdited",
    "TracksMatched",
    "damage_of",
)
