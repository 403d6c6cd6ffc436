"""The matching core: pure functions from a playlist entry and a provider to a decision.

    normalize, readings   an entry's fields read every way a DJ library writes them
    query                 the short, ordered plan of searches for one entry
    provider              the interface every catalog answers (local, online)
    similarity, scoring   each signal's similarity, and named penalties per candidate
    decide                matched / review / unmatched, with a reason
    match                 the steps above for one entry (`match_entry`)
    presets, versions, keys, text   the numbers that tune it; mix types; musical keys;
                          folding text so an indexed word is the word searched

Nothing here holds state between entries or reads global settings: every number comes
in through a `Preset`.
"""
